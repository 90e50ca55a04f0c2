/**
 * Runs seeds of one scenario as a search does (no trace) and prints its events/s:
 * `npx tsx bench/seeds.ts scenarios/raft-lock.ts [seeds]`. Small enough to profile:
 * `node --cpu-prof --import tsx bench/seeds.ts scenarios/raft-lock.ts 400`.
 * With `--digest` it prints, instead, one line summing up every run's outcome and
 * counts, so two versions of the kernel can be shown to behave alike untraced.
 */
import { createHash } from 'node:crypto';
import { runScenario } from '../src/kernel/index.js';
import { loadScenario } from '../src/search/scenario-file.js';
import { scenarioRate } from './scenario-rate.js';

const args = process.argv.slice(2);
const digest = args.includes('--digest');
const [file, count] = args.filter((a) => !a.startsWith('--'));
if (file === undefined) throw new Error('usage: npx tsx bench/seeds.ts <scenario file> [seeds] [--digest]');
const { name, scenario } = await loadScenario(file);
const seeds = Number(count ?? 200);

if (digest) {
  const hash = createHash('sha256');
  for (let seed = 1; seed <= seeds; seed++) {
    const r = runScenario(scenario, seed);
    hash.update(JSON.stringify([seed, r.outcome, r.violation, r.endTime, r.stats, r.factsSeen, r.summary]) + '\n');
  }
  console.log(`${name}: ${seeds} seeds, digest ${hash.digest('hex').slice(0, 16)}`);
} else {
  const { events, seconds } = scenarioRate(scenario, seeds);
  console.log(`${name}: ${seeds} seeds in ${seconds.toFixed(2)} s, ${(seeds / seconds).toFixed(0)} seeds/s, ${(events / seconds / 1e6).toFixed(2)}M events/s`);
}
