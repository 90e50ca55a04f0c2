import { defineScenario } from '../src/kernel/index.js';
import { storeClockForward } from '../src/designs/rate-limiter/system.js';

/** The fixed-window as one atomic script on the store, whose clock steps forward (see `storeClockForward`): the tripwire of fixed-window-limit. */
export default defineScenario({
  description: 'fixed-window as one atomic script on the store; the store clock steps forward by 5–20 s three times',
  expect: { violates: 'fixed-window-limit' },
  seeds: 3,
  ...storeClockForward('fixed-window'),
});
