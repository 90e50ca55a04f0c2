import { defineScenario } from '../src/kernel/index.js';
import { storeClockForward } from '../src/designs/rate-limiter/system.js';

/** The leaky-bucket as one atomic script on the store, whose clock steps forward (see `storeClockForward`): the tripwire of leaky-bucket-limit. */
export default defineScenario({
  description: 'leaky-bucket as one atomic script on the store; the store clock steps forward by 5–20 s three times',
  expect: { violates: 'leaky-bucket-limit' },
  seeds: 3,
  ...storeClockForward('leaky-bucket'),
});
