import { ms, seconds, type Micros } from '../../kernel/index.js';
import type { DataCommand } from '../redis/keyspace.js';
import type { Script } from '../redis/server.js';
import { decideOn, SCRIPTED_ALGORITHMS, type Algorithm } from './algorithms.js';
import { scriptDecided } from './facts.js';

/**
 * The textbook's Lua script (designs.txt, Problem 1), line for line:
 *
 *   KEYS[1] = rate limit key; ARGV[1] = window size in seconds;
 *   ARGV[2] = max requests allowed; ARGV[3] = current timestamp
 *
 * The timestamp is the API server's clock reading (in seconds, to the millisecond,
 * as `Date.now() / 1000` gives it), not the store's. The member is
 * `now .. '-' .. math.random()`: when the script's random numbers repeat, two requests
 * stamped with the same millisecond get the same member, and the second ZADD adds
 * nothing, so the request is admitted without being counted.
 */
export const seedSlidingLogScript: Script = (redis, keys, argv) => {
  const key = keys[0]!;
  const window = Number(argv[0]);
  const limit = Number(argv[1]);
  const now = Number(argv[2]);
  const windowStart = now - window;
  // Remove old entries
  redis.call({ op: 'zremrangebyscore', key, min: 0, max: windowStart });
  // Count current entries
  const count = redis.call({ op: 'zcard', key }) as number;
  if (count < limit) {
    // Add current request
    redis.call({ op: 'zadd', key, score: now, member: `${now}-${redis.random()}` });
    redis.call({ op: 'pexpire', key, ttl: seconds(window) });
    return 1; // Allowed
  }
  return 0; // Denied
};

/** The seed script's ARGV, from an API server's clock reading. */
export function seedScriptArgs(limit: { limit: number; window: Micros }, serverNow: Micros): number[] {
  return [limit.window / seconds(1), limit.limit, Math.floor(serverNow / ms(1)) / 1_000];
}

/** TIME, one object for every script call (the keyspace only reads it). */
const TIME: DataCommand = { op: 'time' };

/**
 * An algorithm run whole inside the store, timed by the store's own clock (TIME), so
 * every API server's request is judged on one clock. ARGV: limit, window, burst (0:
 * none), request id, and the cost when it is not 1 (as redis_rate's `Allow` is
 * `AllowN(…, 1)`). Returns the delay (≥ 0) when allowed, −1 when denied.
 */
export function atomicScript(algorithm: Algorithm): Script {
  return (redis, keys, args) => {
    const now = redis.call(TIME) as number;
    const limit = { limit: Number(args[0]), window: Number(args[1]), burst: Number(args[2]) || undefined };
    const decision = decideOn(redis.call, algorithm, keys[0]!, now, limit, String(args[3]), args[4] === undefined ? 1 : Number(args[4]));
    scriptDecided(redis, { allowed: decision.allowed, delay: decision.delay });
    redis.annotate?.(decision.shown);
    return decision.allowed ? decision.delay : -1;
  };
}

/** Records the seed script's decision as a fact: the script itself is left as written. */
function recordingDecision(script: Script): Script {
  return (redis, keys, args) => {
    const result = script(redis, keys, args);
    scriptDecided(redis, { allowed: result === 1, delay: 0 });
    redis.annotate?.(() => ({ decision: `${keys[0]} ${result === 1 ? 'allowed' : 'denied'}` }));
    return result;
  };
}

/** Every limiter script, by name, to load on the store. */
export function limiterScripts(): Record<string, Script> {
  const scripts: Record<string, Script> = { 'seed-sliding-log': recordingDecision(seedSlidingLogScript) };
  for (const algorithm of SCRIPTED_ALGORITHMS) scripts[algorithm.script] = atomicScript(algorithm);
  return scripts;
}
