// temp: interleaved A/B of two checkouts' kernels in one process
const [aDir, bDir, name, seedsArg, roundsArg] = process.argv.slice(2);
const load = async (dir: string) => ({
  run: (await import(`${dir}/src/kernel/index.ts`)).runScenario,
  scenario: (await import(`${dir}/scenarios/${name}.ts`)).default,
});
const A = await load(aDir!), B = await load(bDir!);
const seeds = Number(seedsArg ?? 100), rounds = Number(roundsArg ?? 20);
const tot = { A: { cpu: 0, ev: 0 }, B: { cpu: 0, ev: 0 } };
const ratios: number[] = [];
for (let r = -2; r < rounds; r++) {
  const res: Record<string, number> = {};
  for (const [k, v] of (r % 2 ? [['A', A], ['B', B]] : [['B', B], ['A', A]]) as Array<[string, typeof A]>) {
    const c0 = process.cpuUsage(); let ev = 0;
    for (let s = 1 + r * seeds; s <= (r + 1) * seeds; s++) ev += v.run(v.scenario, s + 1000).stats.events;
    const c = process.cpuUsage(c0); const cpu = (c.user + c.system) / 1e6;
    res[k] = ev / cpu;
    if (r >= 0) { tot[k as 'A'].cpu += cpu; tot[k as 'A'].ev += ev; }
  }
  if (r >= 0) ratios.push(res.A! / res.B!);
}
ratios.sort((a, b) => a - b);
console.log(`${name}: A ${(tot.A.ev / tot.A.cpu / 1e6).toFixed(3)}M ev/cpu-s, B ${(tot.B.ev / tot.B.cpu / 1e6).toFixed(3)}M; A/B median ${ratios[rounds >> 1]!.toFixed(3)} [${ratios[0]!.toFixed(3)}..${ratios[rounds - 1]!.toFixed(3)}]`);
