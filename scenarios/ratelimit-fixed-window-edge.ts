import { defineScenario, minutes } from '../src/kernel/index.js';
import { limiterScenario, STORE_TIMEOUT } from '../src/designs/rate-limiter/system.js';

/**
 * Fixed window, done right (INCR-style counter in one atomic script, store clock): it
 * keeps its own contract, at most L per aligned minute. Users who send L in the second
 * before a minute ends and L in the second after get both through: 2L in two seconds,
 * which breaks the sliding contract "at most L in any 60 s". The checker finds that
 * window on true times.
 */
export default defineScenario({
  description: 'Fixed window as an atomic script; users burst on both sides of each window edge',
  expect: { violates: 'sliding-window-limit' },
  seeds: 3,
  ...limiterScenario({
    algorithm: 'fixed-window', servers: 4, users: 10, trafficFor: minutes(2),
    kinds: { steady: 0.5, 'window-edge': 0.5 },
    deployment: { kind: 'store-script', timeout: STORE_TIMEOUT, onStoreDown: 'closed' },
    judge: ['fixed-window', 'availability', 'sliding-window'],
  }),
});
