/**
 * `npm run bench:search [-- --ranges 20 --cap N --jobs N] [scenario files]`: for every
 * known-unsafe scenario (found by its `expect`), the seeds a search needs to find its
 * violation, with the scenario's own faults and with swarm testing: median, min and
 * max over disjoint seed ranges (each capped at the scenario's own `seeds`, or --cap),
 * and the simulated time of the shortest failing run. Prints one Markdown table.
 */
import { availableParallelism, cpus } from 'node:os';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { formatTime } from '../src/kernel/index.js';
import { loadScenario, scenarioFiles } from '../src/search/scenario-file.js';
import { seedRunner } from '../src/search/pool.js';
import { seedsToViolation, type SeedsToViolation } from '../src/search/seeds-to-violation.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { ranges: { type: 'string', default: '20' }, cap: { type: 'string' }, jobs: { type: 'string', default: String(availableParallelism()) } },
});
const ranges = Number(values.ranges);
const runner = seedRunner(Number(values.jobs));
const files = positionals.length > 0 ? positionals : scenarioFiles('scenarios');

console.log(`node ${process.version}, ${availableParallelism()} cores (${cpus()[0]?.model ?? 'unknown cpu'}); ${ranges} disjoint seed ranges per scenario, each searched up to ${values.cap ?? "the scenario's own seeds"}\n`);
console.log('| scenario | violates | faults | cap | fixed: median (min–max) | swarm: median (min–max) | fixed ÷ swarm | shortest failing run |');
console.log('|---|---|---|---:|---:|---:|---:|---:|');
const unexpected: string[] = [];
const shown = (s: SeedsToViolation, cap: number) =>
  s.found === 0 ? `> ${cap} (found in 0/${ranges})` : `${s.median ?? `> ${cap}`} (${s.min}–${s.max ?? `> ${cap}`})${s.found < ranges ? `, found in ${s.found}/${ranges}` : ''}`;
try {
  for (const file of files) {
    const { name, scenario } = await loadScenario(file);
    if (scenario.expect === 'safe') continue;
    const cap = values.cap === undefined ? scenario.seeds : Number(values.cap);
    const located = { file: resolve(file), scenario };
    const plan = { property: scenario.expect.violates, ranges, cap };
    const fixed = await seedsToViolation(runner, located, plan);
    const swarm = await seedsToViolation(runner, located, { ...plan, swarm: true });
    const ratio = fixed.median !== undefined && swarm.median !== undefined ? (fixed.median / swarm.median).toFixed(2) : '–';
    const faults = scenario.faultMix ? 'mix' : 'scripted';
    const shortest = fixed.shortest ? `${formatTime(fixed.shortest.t)} (seed ${fixed.shortest.seed})` : '–';
    console.log(`| ${name} | ${plan.property} | ${faults} | ${cap} | ${shown(fixed, cap)} | ${shown(swarm, cap)} | ${ratio} | ${shortest} |`);
    for (const [mix, s] of [['fixed', fixed], ['swarm', swarm]] as const) {
      for (const u of s.unexpected) unexpected.push(`${name} (${mix}): seed ${u.seed} ${u.what}`);
    }
  }
} finally {
  await runner.close();
}
// A run that fails in another way is a finding of its own: `sim check` would fail on it.
console.log(unexpected.length === 0 ? '\nNo run in any range failed in another way.' : `\nRuns that failed in another way:\n${unexpected.map((u) => `- ${u}`).join('\n')}`);
