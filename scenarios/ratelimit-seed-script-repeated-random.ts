import { defineScenario, minutes } from '../src/kernel/index.js';
import { limiterScenario, SEED_SCRIPT_PRECISION, STORE_TIMEOUT } from '../src/designs/rate-limiter/system.js';

/**
 * The textbook's Lua script as written, on a Redis that reseeds the script PRNG before
 * every call (as Redis did before 7, so scripts replicated verbatim compute the same):
 * `math.random()` returns the same number every time, so the member is
 * `now .. '-' .. <the same number>`. Two requests of one user stamped with the same
 * millisecond make the same member: the second ZADD adds nothing, the request is
 * admitted and never counted. In a burst the log under-counts and the limit leaks.
 * Clocks are perfect here: the repetition alone breaks it.
 */
export default defineScenario({
  description: 'The seed\'s Lua script on a Redis whose script random numbers repeat every call; bursts at window edges',
  expect: { violates: 'sliding-window-limit' },
  seeds: 3,
  ...limiterScenario({
    algorithm: 'sliding-log', servers: 4, users: 10, trafficFor: minutes(2),
    kinds: { steady: 0.5, 'window-edge': 0.5 },
    deployment: { kind: 'seed-script', timeout: STORE_TIMEOUT, onStoreDown: 'closed' },
    store: { scriptRandom: 'reseeded-per-call' },
    judge: ['sliding-window'],
    slack: SEED_SCRIPT_PRECISION,
  }),
});
