import { defineScenario, ms, seconds } from '../../src/kernel/index.js';
import { limiterScenario, STORE_TIMEOUT } from '../../src/designs/rate-limiter/system.js';

/**
 * The fixed window's edge, the "edge case issue" designs.txt (Problem 1) names and
 * every rate-limiting write-up draws: with 100 requests per minute, a user who sends
 * 100 in the last half second of one minute and 100 in the first half second of the
 * next gets all 200 through, twice the limit within one second. The counter keeps
 * its own contract (at most 100 per aligned minute), and the sliding contract "at
 * most 100 in any 60 s" is broken. Run with --all-violations to see every request
 * past the hundredth that the checker refuses to excuse.
 */
export default defineScenario({
  description: 'Fixed window, 100 per minute: 100 requests just before a minute ends and 100 just after: 200 admitted within a second',
  expect: { violates: 'sliding-window-limit' },
  seeds: 5,
  ...limiterScenario({
    algorithm: 'fixed-window', servers: 1, users: 1, trafficFor: seconds(62), kinds: { steady: 1 },
    deployment: { kind: 'store-script', timeout: STORE_TIMEOUT, onStoreDown: 'closed' },
    judge: ['fixed-window', 'sliding-window'],
    script: [
      { client: 'clients', at: seconds(59.5), kind: 'requests', user: 'u0', count: 100 },
      { client: 'clients', at: seconds(60) + ms(500), kind: 'requests', user: 'u0', count: 100 },
    ],
  }),
});
