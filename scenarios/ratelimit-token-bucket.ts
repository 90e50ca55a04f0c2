import { defineScenario, minutes } from '../src/kernel/index.js';
import { limiterScenario, STORE_STEP_BACK, STORE_TIMEOUT, storeScriptFaults } from '../src/designs/rate-limiter/system.js';

/**
 * Token bucket (capacity L, refilled at L per minute) as one atomic script on the
 * store, timed by the store's clock, with integer token arithmetic. Its contract is
 * not "L per minute" but "at most B + r·T in any interval T" (up to 2L in a minute
 * that starts with a full bucket), and that it keeps exactly, under bursts and
 * window-edge attacks alike, without denying anyone the bucket allowed.
 */
export default defineScenario({
  description: 'Token bucket as one atomic script on the store, timed by the store clock; bursty and adversarial traffic over 4 servers',
  expect: 'safe',
  seeds: 10,
  ...limiterScenario({
    algorithm: 'token-bucket', servers: 4, users: 24, trafficFor: minutes(3),
    kinds: { steady: 0.4, bursty: 0.3, 'window-edge': 0.15, spread: 0.15 },
    deployment: { kind: 'store-script', timeout: STORE_TIMEOUT, onStoreDown: 'closed' },
    stepBack: STORE_STEP_BACK,
    judge: ['token-bucket', 'availability'],
  }),
  faults: storeScriptFaults,
  exempt: { redis: 'the store is never crashed and its clock never steps forward: it keeps the counts in memory and its clock times every window, which the design assumes (see storeScriptFaults); it is paused and its clock steps back', clients: 'the traffic source stands for the users: it holds no limiter state' },
  requires: ['a script read TIME behind an earlier reading'],
});
