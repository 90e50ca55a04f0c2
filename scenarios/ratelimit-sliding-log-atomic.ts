import { defineScenario, minutes, seconds } from '../src/kernel/index.js';
import { limiterScenario, STORE_STEP_BACK, STORE_TIMEOUT, storeScriptFaults } from '../src/designs/rate-limiter/system.js';

/**
 * The corrected sliding window log: the whole algorithm runs as one script inside the
 * store, timed by the store's own clock, and each request is its own member. The API
 * servers' clocks disagree by up to 30 s and adversarial users aim at window edges and
 * spread over every server: none of it reaches the decision, so no window of 60 s ever
 * holds more than the limit, and no user under its limit is turned away.
 */
export default defineScenario({
  description: 'Sliding window log as one atomic script on the store, timed by the store clock; API server clocks skewed by up to 30 s; adversarial traffic',
  expect: 'safe',
  seeds: 10,
  ...limiterScenario({
    algorithm: 'sliding-log', servers: 4, users: 24, trafficFor: minutes(3),
    kinds: { steady: 0.4, bursty: 0.3, 'window-edge': 0.15, spread: 0.15 },
    deployment: { kind: 'store-script', timeout: STORE_TIMEOUT, onStoreDown: 'closed' },
    serverClock: (_i, clocks) => ({ clockOffset: clocks.int(-seconds(30), seconds(30)) }),
    stepBack: STORE_STEP_BACK,
    judge: ['sliding-window', 'availability'],
  }),
  faults: storeScriptFaults,
  exempt: { redis: 'the store is never crashed and its clock never steps forward: it keeps the counts in memory and its clock times every window, which the design assumes (see storeScriptFaults); it is paused and its clock steps back', clients: 'the traffic source stands for the users: it holds no limiter state' },
  requires: ['a script read TIME behind an earlier reading'],
});
