import { runScenario, type Scenario } from '../src/kernel/index.js';
import corrected from '../scenarios/payments-corrected.js';
import seedProcessor from '../scenarios/payments-seed-processor.js';

/** Seeds per second a search gets through, and the events per run, for a payments scenario. */
function measure(scenario: Scenario, seeds: number, first: number): { rate: number; eventsPerRun: number } {
  let events = 0;
  const started = process.hrtime.bigint();
  for (let seed = first; seed < first + seeds; seed++) events += runScenario(scenario, seed).stats.events;
  const elapsed = Number(process.hrtime.bigint() - started) / 1e9;
  return { rate: seeds / elapsed, eventsPerRun: events / seeds };
}

measure(corrected, 100, 100_000); // warm up the JIT before measuring
const safe = measure(corrected, 1000, 1);
console.log(`payments-corrected (1000 seeds, 100 s simulated each): ${safe.rate.toFixed(0)} seeds/s, ${safe.eventsPerRun.toFixed(0)} events/run`);
console.log(`payments-corrected, time for its 2000 seeds: ${(2000 / safe.rate).toFixed(1)} s`);
const unsafe = measure(seedProcessor, 500, 1);
console.log(`payments-seed-processor (500 seeds, runs stop at the first breach): ${unsafe.rate.toFixed(0)} seeds/s, ${unsafe.eventsPerRun.toFixed(0)} events/run`);
