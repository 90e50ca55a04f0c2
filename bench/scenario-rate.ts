import { runScenario, type Scenario } from '../src/kernel/index.js';

/** Runs seeds first..first+count-1 as a search does (no trace); how many events, in how long. */
export function scenarioRate(scenario: Scenario, count: number, first = 1): { events: number; seconds: number } {
  let events = 0;
  const started = process.hrtime.bigint();
  for (let seed = first; seed < first + count; seed++) events += runScenario(scenario, seed).stats.events;
  return { events, seconds: Number(process.hrtime.bigint() - started) / 1e9 };
}
