import { defineScenario, minutes } from '../src/kernel/index.js';
import { limiterScenario, STORE_STEP_BACK, STORE_TIMEOUT, storeScriptFaults } from '../src/designs/rate-limiter/system.js';

/**
 * GCRA (as go-redis/redis_rate's `allowN` script runs it: one TAT per user, timed by
 * the store's TIME) as one atomic script on the store. With tolerance B·T it admits
 * exactly what a token bucket of B refilled at L per W admits, so it is judged by the
 * token bucket's contract (at most B + r·T in every interval T, on true time) and by
 * availability, under the token bucket's fault mix: API servers crash, pause and step
 * their clocks, the store stalls and its clock steps back (a TAT is an absolute time,
 * so a step back only delays the next admission: the availability slack covers it).
 */
export default defineScenario({
  description: 'GCRA as one atomic script on the store, timed by the store clock; bursty and adversarial traffic over 4 servers',
  expect: 'safe',
  seeds: 10,
  ...limiterScenario({
    algorithm: 'gcra', servers: 4, users: 24, trafficFor: minutes(3),
    kinds: { steady: 0.4, bursty: 0.3, 'window-edge': 0.15, spread: 0.15 },
    deployment: { kind: 'store-script', timeout: STORE_TIMEOUT, onStoreDown: 'closed' },
    stepBack: STORE_STEP_BACK,
    judge: ['token-bucket', 'availability'],
  }),
  faults: storeScriptFaults,
  exempt: { redis: 'the store is never crashed and its clock never steps forward: it keeps the TATs in memory and its clock times every decision, which the design assumes (see storeScriptFaults); it is paused and its clock steps back', clients: 'the traffic source stands for the users: it holds no limiter state' },
  requires: ['a script read TIME behind an earlier reading'],
});
