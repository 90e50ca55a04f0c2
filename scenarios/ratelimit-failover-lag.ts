import { defineScenario, minutes, ms, seconds } from '../src/kernel/index.js';
import { limiterScenario, STORE_TIMEOUT } from '../src/designs/rate-limiter/system.js';

/**
 * The store has a replica, fed asynchronously every second, and Sentinel. The primary
 * crashes; Sentinel promotes the replica, whose sorted sets lack the last second of
 * admissions. Servers fail closed meanwhile (so failing open is not what breaks it):
 * the promoted store admits again what the old one had already counted. The crash
 * comes after the first minute, when users at their limit are admitted one by one as
 * their oldest entries leave the window, so the lost second holds admissions.
 */
export default defineScenario({
  description: 'Atomic sliding log on a primary with an async replica (1 s lag) and Sentinel; the primary crashes',
  expect: { violates: 'sliding-window-limit' },
  seeds: 8,
  ...limiterScenario({
    algorithm: 'sliding-log', servers: 4, users: 10, trafficFor: minutes(2),
    kinds: { steady: 0.3, spread: 0.7 },
    deployment: { kind: 'store-script', timeout: STORE_TIMEOUT, onStoreDown: 'closed' },
    store: { replicationInterval: seconds(1), failover: { pingInterval: ms(100), missedPings: 3 } },
    judge: ['sliding-window'],
  }),
  faults: (random) => [{ at: random.int(seconds(65), seconds(110)), kind: 'crash', node: 'redis' }],
});
