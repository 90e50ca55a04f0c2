import { defineScenario, minutes, seconds } from '../src/kernel/index.js';
import { limiterScenario, STORE_TIMEOUT } from '../src/designs/rate-limiter/system.js';

const servers = ['api-1', 'api-2', 'api-3', 'api-4'];

/**
 * Fail open: when the store does not answer within the 5 ms budget, the servers admit.
 * A partition cuts the store off for 20–40 s; every request in that time is admitted,
 * and a user already at its limit gets as many more as it sends.
 */
export default defineScenario({
  description: 'Atomic sliding log, failing open; the store is cut off from the API servers for 20–40 s',
  expect: { violates: 'sliding-window-limit' },
  seeds: 3,
  ...limiterScenario({
    algorithm: 'sliding-log', servers: 4, users: 10, trafficFor: minutes(2),
    kinds: { steady: 0.5, spread: 0.5 },
    deployment: { kind: 'store-script', timeout: STORE_TIMEOUT, onStoreDown: 'open' },
    judge: ['sliding-window'],
  }),
  faults: (random) => [{ at: random.int(seconds(20), seconds(60)), kind: 'partition', groups: [['redis'], servers], duration: random.int(seconds(20), seconds(40)) }],
});
