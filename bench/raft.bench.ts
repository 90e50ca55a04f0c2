import { runScenario } from '../src/kernel/index.js';
import raftLock from '../scenarios/raft-lock.js';

/** Seeds per second for the correct Raft lock scenario, as `sim check` runs it (no trace), on one core. */
function seedsPerSecond(first: number, count: number): { rate: number; events: number } {
  let events = 0;
  const started = process.hrtime.bigint();
  for (let seed = first; seed < first + count; seed++) events += runScenario(raftLock, seed).stats.events;
  const elapsed = Number(process.hrtime.bigint() - started) / 1e9;
  return { rate: count / elapsed, events: events / count };
}

seedsPerSecond(1, 30); // warm up the JIT before measuring
const { rate, events } = seedsPerSecond(1, 400);
console.log(`raft-lock (3 servers, 3 clients, 30 s simulated per seed, 400 seeds): ${rate.toFixed(1)} seeds/s (${Math.round(events)} events/seed; 2000 seeds in ${(2000 / rate).toFixed(1)} s)`);
