import { defineScenario, minutes } from '../src/kernel/index.js';
import { limiterScenario, STORE_STEP_BACK, STORE_TIMEOUT, storeScriptFaults } from '../src/designs/rate-limiter/system.js';

/**
 * `ratelimit-token-bucket` with `onBackwardClock: 'follow'`: when the store's clock
 * reads earlier than the bucket's stamp, an admitted request stamps the bucket with
 * the earlier reading, as golang.org/x/time/rate's `advance` (`if t.Before(last) {
 * last = t }`) and Stripe's published script do. Under the store's fault mix (its
 * clock only steps back, and stays back) that is exact in true time, and the bucket
 * keeps B + r·T and availability like the default `keep-later`; what breaks both is a
 * clock corrected forward again (see test/rate-limiter/scenarios.test.ts).
 */
export default defineScenario({
  description: 'Token bucket that follows its clock back (x/time/rate, Stripe) as one atomic script on the store; the store clock steps back',
  expect: 'safe',
  seeds: 10,
  ...limiterScenario({
    algorithm: 'token-bucket', onBackwardClock: 'follow', servers: 4, users: 24, trafficFor: minutes(3),
    kinds: { steady: 0.4, bursty: 0.3, 'window-edge': 0.15, spread: 0.15 },
    deployment: { kind: 'store-script', timeout: STORE_TIMEOUT, onStoreDown: 'closed' },
    stepBack: STORE_STEP_BACK,
    judge: ['token-bucket', 'availability'],
  }),
  faults: storeScriptFaults,
  exempt: { redis: 'the store is never crashed and its clock never steps forward: it keeps the buckets in memory and its clock times every refill, which the design assumes (see storeScriptFaults); it is paused and its clock steps back', clients: 'the traffic source stands for the users: it holds no limiter state' },
  requires: ['a script read TIME behind an earlier reading'],
});
