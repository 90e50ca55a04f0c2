/**
 * Timeline figures: the safe hybrid scenario's seeds per second on one thread (its
 * `sim check` runs 2,000), the unsafe ones', and the study's wall-clock time.
 */
import { runScenario, type Scenario } from '../src/kernel/index.js';
import ackBeforeFanout from '../scenarios/timeline-ack-before-fanout.js';
import arrivalOrder from '../scenarios/timeline-arrival-order.js';
import hybrid from '../scenarios/timeline-hybrid.js';
import study from '../scenarios/timeline-study.js';

/** Seeds per second a search gets through on one thread, and the events per run. */
function measure(scenario: Scenario, seeds: number, first: number): { rate: number; eventsPerRun: number } {
  let events = 0;
  const started = process.hrtime.bigint();
  for (let seed = first; seed < first + seeds; seed++) events += runScenario(scenario, seed).stats.events;
  const elapsed = Number(process.hrtime.bigint() - started) / 1e9;
  return { rate: seeds / elapsed, eventsPerRun: events / seeds };
}

measure(hybrid, 50, 100_000); // warm up the JIT
const safe = measure(hybrid, 500, 1);
console.log(`timeline-hybrid (500 seeds, 10 s simulated each): ${safe.rate.toFixed(0)} seeds/s, ${safe.eventsPerRun.toFixed(0)} events/run; its 2,000 seeds: ${(2000 / safe.rate).toFixed(1)} s on one thread`);
for (const [name, scenario] of [['timeline-ack-before-fanout', ackBeforeFanout], ['timeline-arrival-order', arrivalOrder]] as const) {
  const unsafe = measure(scenario, 100, 1);
  console.log(`${name} (100 seeds, runs stop at the first breach): ${unsafe.rate.toFixed(0)} seeds/s, ${unsafe.eventsPerRun.toFixed(0)} events/run`);
}

const started = process.hrtime.bigint();
const run = runScenario(study, 1, { params: { users: 100_000 } });
console.log(`timeline-study (100,000 users, 5 systems, 12 s simulated): ${(Number(process.hrtime.bigint() - started) / 1e9).toFixed(1)} s wall clock, ${run.stats.events.toLocaleString('en-US')} events, ${run.stats.facts.toLocaleString('en-US')} facts`);
