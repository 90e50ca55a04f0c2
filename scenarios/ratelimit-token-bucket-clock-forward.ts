import { defineScenario } from '../src/kernel/index.js';
import { storeClockForward } from '../src/designs/rate-limiter/system.js';

/** The token-bucket as one atomic script on the store, whose clock steps forward (see `storeClockForward`): the tripwire of token-bucket-limit. */
export default defineScenario({
  description: 'token-bucket as one atomic script on the store; the store clock steps forward by 5–20 s three times',
  expect: { violates: 'token-bucket-limit' },
  seeds: 3,
  ...storeClockForward('token-bucket'),
});
