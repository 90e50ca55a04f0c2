import { defineScenario, minutes } from '../src/kernel/index.js';
import { limiterScenario, STORE_TIMEOUT } from '../src/designs/rate-limiter/system.js';

/**
 * The sliding window log without the script: each API server trims and counts the
 * sorted set (ZREMRANGEBYSCORE, ZCARD), decides, then adds the request (ZADD) in a
 * second round trip. Two servers that read the same count before either writes both
 * admit: under a burst the window fills past its limit.
 */
export default defineScenario({
  description: 'Sliding window log as read-then-write from 4 API servers (two round trips, not atomic); bursts',
  expect: { violates: 'sliding-window-limit' },
  seeds: 3,
  ...limiterScenario({
    algorithm: 'sliding-log', servers: 4, users: 10, trafficFor: minutes(2),
    kinds: { bursty: 0.5, 'window-edge': 0.5 },
    deployment: { kind: 'read-then-write', timeout: STORE_TIMEOUT, onStoreDown: 'closed' },
    judge: ['sliding-window'],
  }),
});
