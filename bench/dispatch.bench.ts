/**
 * Dispatch figures: the safe scenario's seeds per second on one thread (its `sim
 * check` runs 2,000), and the unsafe one's.
 */
import { seedsPerSecond } from './measure.js';
import cas from '../scenarios/dispatch-cas.js';
import noCas from '../scenarios/dispatch-no-cas.js';

seedsPerSecond(cas, 50, 100_000); // warm up the JIT
const safe = seedsPerSecond(cas, 500, 1);
console.log(`dispatch-cas (500 seeds, 40 s simulated each): ${safe.rate.toFixed(0)} seeds/s, ${safe.eventsPerRun.toFixed(0)} events/run; its 2,000 seeds: ${(2000 / safe.rate).toFixed(1)} s on one thread`);
const unsafe = seedsPerSecond(noCas, 100, 1);
console.log(`dispatch-no-cas (100 seeds, runs stop at the first breach): ${unsafe.rate.toFixed(0)} seeds/s, ${unsafe.eventsPerRun.toFixed(0)} events/run`);
