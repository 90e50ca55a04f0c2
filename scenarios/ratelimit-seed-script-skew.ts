import { defineScenario, minutes, seconds } from '../src/kernel/index.js';
import { limiterScenario, SEED_SCRIPT_PRECISION, STORE_TIMEOUT } from '../src/designs/rate-limiter/system.js';

/**
 * The textbook's Lua script as written, with distinct random members (Redis 7), so
 * only the timestamp matters: ARGV[3] is the calling API server's clock. One server
 * runs 5–25 s fast. When it calls, ZREMRANGEBYSCORE(0, its now − 60) removes entries
 * that are truly younger than a minute, so the count it sees is short and it admits;
 * the true minute then holds more than the limit. (Its own entries, stamped in the
 * future, also outlive their minute on the other servers' calls and deny users under
 * their limit; this scenario checks the over-admission.)
 */
export default defineScenario({
  description: 'The seed\'s Lua script with server timestamps; one of 4 API servers\' clock is 5–25 s fast; users spread over every server',
  expect: { violates: 'sliding-window-limit' },
  seeds: 3,
  ...limiterScenario({
    algorithm: 'sliding-log', servers: 4, users: 10, trafficFor: minutes(2),
    kinds: { steady: 0.5, spread: 0.5 },
    deployment: { kind: 'seed-script', timeout: STORE_TIMEOUT, onStoreDown: 'closed' },
    store: { scriptRandom: 'continuing' },
    serverClock: (i, clocks) => ({ clockOffset: i === 0 ? clocks.int(seconds(5), seconds(25)) : 0 }),
    judge: ['sliding-window'],
    slack: SEED_SCRIPT_PRECISION,
  }),
});
