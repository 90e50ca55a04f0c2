import { runScenario, type Scenario } from '../src/kernel/index.js';

/** Seeds per second one thread gets through running a scenario's seeds untraced, and the events per run. */
export function seedsPerSecond(scenario: Scenario, seeds: number, first: number): { rate: number; eventsPerRun: number } {
  let events = 0;
  const started = process.hrtime.bigint();
  for (let seed = first; seed < first + seeds; seed++) events += runScenario(scenario, seed).stats.events;
  const elapsed = Number(process.hrtime.bigint() - started) / 1e9;
  return { rate: seeds / elapsed, eventsPerRun: events / seeds };
}
