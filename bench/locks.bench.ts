import { runScenario, type Scenario } from '../src/kernel/index.js';
import redlockSkew from '../scenarios/redlock-skew.js';
import gcPauseFencing from '../scenarios/gc-pause-fencing.js';

/** Seeds per second, one thread, as `sim check` and a search run them (no trace recorded). */
function seedsPerSecond(scenario: Scenario, seeds: number): { rate: number; eventsPerSecond: number } {
  for (let seed = 1; seed <= 10; seed++) runScenario(scenario, 1_000_000 + seed); // warm-up
  let events = 0;
  const started = process.hrtime.bigint();
  for (let seed = 1; seed <= seeds; seed++) events += runScenario(scenario, seed).stats.events;
  const elapsed = Number(process.hrtime.bigint() - started) / 1e9;
  return { rate: seeds / elapsed, eventsPerSecond: events / elapsed };
}

for (const [name, scenario, seeds] of [['redlock-skew', redlockSkew, 300], ['gc-pause-fencing', gcPauseFencing, 300]] as const) {
  const { rate, eventsPerSecond } = seedsPerSecond(scenario, seeds);
  console.log(`${name}: ${rate.toFixed(0)} seeds/s (${seeds} seeds, ${(eventsPerSecond / 1e6).toFixed(2)}M events/s, one thread)`);
}
