/**
 * `npm run bench:search [-- --ranges 20 --cap 300 --jobs N] [scenario files]`: for
 * every known-unsafe scenario (found by its `expect`), the seeds a search needs to
 * find its violation with the scenario's own faults and with swarm testing, as the
 * median over disjoint seed ranges. Prints one Markdown table.
 */
import { availableParallelism, cpus } from 'node:os';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { loadScenario, scenarioFiles } from '../src/cli/load.js';
import { seedRunner } from '../src/search/pool.js';
import { seedsToViolation, type SeedsToViolation } from '../src/search/seeds-to-violation.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { ranges: { type: 'string', default: '20' }, cap: { type: 'string', default: '300' }, jobs: { type: 'string', default: String(availableParallelism()) } },
});
const ranges = Number(values.ranges);
const cap = Number(values.cap);
const runner = seedRunner(Number(values.jobs));
const files = positionals.length > 0 ? positionals : scenarioFiles('scenarios');

console.log(`node ${process.version}, ${availableParallelism()} cores (${cpus()[0]?.model ?? 'unknown cpu'}); median over ${ranges} seed ranges, at most ${cap} seeds each\n`);
console.log('| scenario | violates | faults | seeds to violation, fixed | seeds to violation, swarm | fixed ÷ swarm |');
console.log('|---|---|---|---:|---:|---:|');
const shown = (s: SeedsToViolation) => `${s.median === undefined ? `> ${cap}` : s.median} (found in ${s.found}/${ranges})`;
try {
  for (const file of files) {
    const { name, scenario } = await loadScenario(file);
    if (scenario.expect === 'safe') continue;
    const located = { file: resolve(file), scenario };
    const plan = { property: scenario.expect.violates, ranges, cap };
    const fixed = await seedsToViolation(runner, located, plan);
    const swarm = await seedsToViolation(runner, located, { ...plan, swarm: true });
    const ratio = fixed.median !== undefined && swarm.median !== undefined ? (fixed.median / swarm.median).toFixed(2) : '–';
    const faults = scenario.faultMix ? 'mix' : 'scripted';
    console.log(`| ${name} | ${plan.property} | ${faults} | ${shown(fixed)} | ${shown(swarm)} | ${ratio} |`);
  }
} finally {
  await runner.close();
}
