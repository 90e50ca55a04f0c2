/**
 * CDN figures: the safe scenario's seeds per second on one thread (its `sim check`
 * runs 2,000), the unsafe ones', and the study's wall-clock time.
 */
import { runScenario } from '../src/kernel/index.js';
import abrThroughput from '../scenarios/cdn-abr-throughput.js';
import safe from '../scenarios/cdn-coalescing-bba.js';
import stampede from '../scenarios/cdn-stampede.js';
import study from '../scenarios/cdn-study.js';
import { seedsPerSecond } from './measure.js';

seedsPerSecond(safe, 50, 100_000); // warm up the JIT
const corrected = seedsPerSecond(safe, 500, 1);
console.log(`cdn-coalescing-bba (500 seeds, 50 s simulated each): ${corrected.rate.toFixed(0)} seeds/s, ${corrected.eventsPerRun.toFixed(0)} events/run; its 2,000 seeds: ${(2000 / corrected.rate).toFixed(1)} s on one thread`);
for (const [name, scenario] of [['cdn-stampede', stampede], ['cdn-abr-throughput', abrThroughput]] as const) {
  const unsafe = seedsPerSecond(scenario, 100, 1);
  console.log(`${name} (100 seeds, runs stop at the first breach): ${unsafe.rate.toFixed(0)} seeds/s, ${unsafe.eventsPerRun.toFixed(0)} events/run`);
}

const started = process.hrtime.bigint();
const run = runScenario(study, 1, { params: { clients: 3_200 } });
console.log(`cdn-study (3,200 viewers per design, 4 designs, 85 s simulated): ${(Number(process.hrtime.bigint() - started) / 1e9).toFixed(1)} s wall clock, ${run.stats.events.toLocaleString('en-US')} events, ${run.stats.facts.toLocaleString('en-US')} facts`);
