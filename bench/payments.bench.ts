import { seedsPerSecond } from './measure.js';
import corrected from '../scenarios/payments-corrected.js';
import seedProcessor from '../scenarios/payments-seed-processor.js';


seedsPerSecond(corrected, 100, 100_000); // warm up the JIT before measuring
const safe = seedsPerSecond(corrected, 1000, 1);
console.log(`payments-corrected (1000 seeds, 100 s simulated each): ${safe.rate.toFixed(0)} seeds/s, ${safe.eventsPerRun.toFixed(0)} events/run`);
console.log(`payments-corrected, time for its 2000 seeds: ${(2000 / safe.rate).toFixed(1)} s`);
const unsafe = seedsPerSecond(seedProcessor, 500, 1);
console.log(`payments-seed-processor (500 seeds, runs stop at the first breach): ${unsafe.rate.toFixed(0)} seeds/s, ${unsafe.eventsPerRun.toFixed(0)} events/run`);
