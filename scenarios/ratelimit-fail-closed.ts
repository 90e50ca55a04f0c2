import { defineScenario, minutes, seconds } from '../src/kernel/index.js';
import { limiterScenario, STORE_TIMEOUT } from '../src/designs/rate-limiter/system.js';

/**
 * Fail closed: when the store does not answer within the 5 ms budget, the servers deny.
 * The store stalls for 2–10 s (a stop-the-world pause: slow, not gone). The limit holds,
 * but every user, however far under its limit, is turned away meanwhile; availability
 * counts those denials and reports them.
 */
export default defineScenario({
  description: 'Atomic sliding log, failing closed; the store stalls for 2–10 s',
  expect: { violates: 'availability' },
  seeds: 3,
  ...limiterScenario({
    algorithm: 'sliding-log', servers: 4, users: 20, trafficFor: minutes(1),
    kinds: { steady: 0.8, bursty: 0.2 },
    deployment: { kind: 'store-script', timeout: STORE_TIMEOUT, onStoreDown: 'closed' },
    judge: ['sliding-window', 'availability'],
  }),
  faults: (random) => [{ at: random.int(seconds(10), seconds(40)), kind: 'pause', node: 'redis', duration: random.int(seconds(2), seconds(10)) }],
});
