import { defineScenario, minutes, seconds } from '../src/kernel/index.js';
import { limiterScenario, STORE_TIMEOUT } from '../src/designs/rate-limiter/system.js';

/**
 * The token bucket of `ratelimit-token-bucket`, but the store's clock, which times every
 * refill, steps forward: the bucket refills for time that never passed, and users at
 * their limit get more than B + r·T in true time. The other half of what that scenario
 * assumes of the store (its clock only ever steps back there).
 */
export default defineScenario({
  description: 'Token bucket as one atomic script on the store; the store clock steps forward by 5–20 s',
  expect: { violates: 'token-bucket-limit' },
  seeds: 3,
  ...limiterScenario({
    algorithm: 'token-bucket', servers: 4, users: 24, trafficFor: minutes(3),
    kinds: { steady: 0.4, bursty: 0.3, 'window-edge': 0.15, spread: 0.15 },
    deployment: { kind: 'store-script', timeout: STORE_TIMEOUT, onStoreDown: 'closed' },
    judge: ['token-bucket', 'availability'],
  }),
  faults: (random) => [1, 2, 3].map((i) => ({ at: minutes(i) - random.int(0, seconds(30)), kind: 'clock-jump' as const, node: 'redis', delta: random.int(seconds(5), seconds(20)) })),
});
