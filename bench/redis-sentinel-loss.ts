/**
 * `npx tsx bench/redis-sentinel-loss.ts [seeds]`: Sentinel's split brain without and with
 * `min-replicas-to-write 1`, over the same seeds (the same partitions): how many runs are
 * not linearizable, how many failovers happened, how many acknowledged writes the full
 * resyncs discarded, and how many writes the primaries refused (NOREPLICAS).
 */
import { runScenario, type Scenario } from '../src/kernel/index.js';
import splitBrain from '../scenarios/redis-sentinel-split-brain.js';
import minReplicas from '../scenarios/redis-sentinel-min-replicas.js';

const seeds = Number(process.argv[2] ?? 200);
console.log(`| seeds 1–${seeds} | runs not linearizable | failovers | acknowledged writes discarded on heal | writes refused (NOREPLICAS) |`);
console.log('|---|---:|---:|---:|---:|');
for (const [name, scenario] of [['redis-sentinel-split-brain', splitBrain], ['redis-sentinel-min-replicas', minReplicas]] as Array<[string, Scenario]>) {
  let violating = 0;
  let failovers = 0;
  let discarded = 0;
  let refused = 0;
  for (let seed = 1; seed <= seeds; seed++) {
    const run = runScenario(scenario, seed, { trace: true });
    if (run.violation) violating++;
    for (const e of run.trace!) {
      if (e.kind !== 'fact') continue;
      if (e.fact === 'failover-authorized') failovers++;
      if (e.fact === 'full-resync') discarded += (e.data as { unacknowledgedWrites: number }).unacknowledgedWrites;
    }
    refused += run.probes['write refused: not enough good replicas'] ?? 0;
  }
  console.log(`| \`${name}\` | ${violating} | ${failovers} | ${discarded.toLocaleString('en')} | ${refused.toLocaleString('en')} |`);
}
