import { runScenario } from '/work/wt/sentinel/src/kernel/index.js';
const file = process.argv[2]!; const seeds = Number(process.argv[3] ?? 10);
const scenario = (await import(file)).default;
for (let seed = 1; seed <= seeds; seed++) {
  const t0 = Date.now();
  const r = runScenario(scenario, seed);
  console.log(seed, r.violation ? `${r.violation.property} @${r.violation.t}` : 'ok', r.summary, JSON.stringify(r.probes ?? {}), `${Date.now() - t0}ms`);
}
