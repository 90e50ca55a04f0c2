import { ConfigError, formatDuration, formatTime, type Micros } from '../../kernel/index.js';
import type { DataCommand, RedisValue } from '../redis/keyspace.js';

/** A tier's limit: `limit` requests per `window`; `burst` is the bucket capacity (token bucket, GCRA, leaky bucket's queue). */
export interface Limit {
  limit: number;
  window: Micros;
  burst?: number;
}

export type AlgorithmName = 'fixed-window' | 'sliding-log' | 'sliding-counter' | 'token-bucket' | 'leaky-bucket' | 'gcra';

/**
 * What the token bucket does when the clock reads earlier than its last stamp:
 * - `keep-later`: refill nothing and keep the later stamp, so no stretch of the
 *   clock's readings is refilled twice; after a step back of d that stays, it refills
 *   nothing until the clock catches up (up to r·d less than true time allows);
 * - `follow`: refill nothing and take the earlier reading as the new stamp when a
 *   request is admitted, as golang.org/x/time/rate's `advance` does (`if
 *   t.Before(last) { last = t }`) and Stripe's published script does (`delta =
 *   max(0, now - last_refreshed)`, then the timestamp is set to now): exact in true
 *   time while the clock stays back, but once it is corrected forward the stretch
 *   between the two readings is refilled again (up to r·d more than true time allows).
 */
export type BackwardClock = 'keep-later' | 'follow';

export interface Decision<S> {
  allowed: boolean;
  state: S;
  /** How long the request waits before it is served (the leaky bucket's queue); 0 for the others. */
  delay: Micros;
}

/**
 * A rate-limiting algorithm as three plain steps over one user's state: the commands
 * that read it, a pure decision, and the commands that write the new state back. Run
 * together inside the store (a script), they are atomic; issued from an API server in
 * two round trips they are the read-then-write race; run on a local keyspace they are
 * a per-server limiter. The state is written only when a request is allowed.
 */
export interface Algorithm<S = any> {
  readonly name: AlgorithmName;
  /** The store script that runs it (the name, or the name and its variant). */
  readonly script: string;
  /** The state lives in counters that one write raises by one (so hybrid sync can add them up). */
  readonly counters: boolean;
  read(key: string, now: Micros, limit: Limit): DataCommand[];
  state(replies: readonly RedisValue[], now: Micros, limit: Limit): S;
  /**
   * Admits a request of `cost` units (AllowN / consume(n)) or refuses it whole: none
   * is ever partly admitted or queued beyond the algorithm's own queue. A cost above
   * the burst (or the limit, for the windows) can never fit and is always refused.
   */
  decide(state: S, now: Micros, limit: Limit, cost: number): Decision<S>;
  write(key: string, now: Micros, limit: Limit, state: S, request: string, cost: number): DataCommand[];
  /**
   * What the whiteboard shows of one user's state after a decision: its counter, and
   * for aligned windows the window it counts in (by the deciding clock): for the
   * diagrams only (`ctx.annotate`).
   */
  show(state: S, now: Micros, limit: Limit): { counter: string; window?: string };
}

const windowIndex = (now: Micros, window: Micros) => Math.floor(now / window);
/** The aligned window `now` falls in, as the whiteboard writes it. */
const alignedWindow = (now: Micros, window: Micros) => {
  const start = windowIndex(now, window) * window;
  return `[${formatTime(start)}, ${formatTime(start + window)})`;
};
const count = (value: RedisValue | undefined) => (value === null || value === undefined ? 0 : Number(value));

/** L per aligned window: one counter per window, so up to 2L can pass across an edge. */
export const fixedWindow: Algorithm<number> = {
  name: 'fixed-window',
  script: 'fixed-window',
  counters: true,
  read: (key, now, { window }) => [{ op: 'get', key: `${key}:${windowIndex(now, window)}` }],
  state: ([current]) => count(current),
  decide: (current, _now, { limit }, cost) => (current + cost <= limit ? { allowed: true, state: current + cost, delay: 0 } : { allowed: false, state: current, delay: 0 }),
  write: (key, now, { window }, current) => [{ op: 'set', key: `${key}:${windowIndex(now, window)}`, value: String(current), ttl: window }],
  show: (current, now, { limit, window }) => ({ counter: `${current}/${limit}`, window: alignedWindow(now, window) }),
};

/**
 * The textbook's sliding window log: a sorted set of admitted timestamps; drop those
 * at or before now − W, count the rest, add now if under L. The member is the request
 * id, so two requests never collapse into one entry.
 */
export const slidingLog: Algorithm<number> = {
  name: 'sliding-log',
  script: 'sliding-log',
  counters: false,
  read: (key, now, { window }) => [
    { op: 'zremrangebyscore', key, min: Number.MIN_SAFE_INTEGER, max: now - window },
    { op: 'zcard', key },
  ],
  state: ([, size]) => count(size),
  decide: (size, _now, { limit }, cost) => (size + cost <= limit ? { allowed: true, state: size + cost, delay: 0 } : { allowed: false, state: size, delay: 0 }),
  // A request of cost n is n entries (`id`, `id#1`, …): the log counts units, not calls.
  write: (key, now, { window }, _size, request, cost) => {
    // A loop, not a spread of Array.from: this runs for every admitted request.
    const commands: DataCommand[] = [];
    for (let k = 0; k < cost; k++) commands.push({ op: 'zadd', key, score: now, member: k === 0 ? request : `${request}#${k}` });
    commands.push({ op: 'pexpire', key, ttl: window });
    return commands;
  },
  show: (size, _now, { limit, window }) => ({ counter: `${size}/${limit} in the last ${formatDuration(window)}` }),
};

/**
 * Sliding window counter: the previous window's count weighted by how much of it the
 * sliding window still covers, plus the current count. Exact per aligned window, an
 * estimate in between (it assumes the previous window's requests were spread evenly).
 */
export const slidingCounter: Algorithm<{ current: number; previous: number }> = {
  name: 'sliding-counter',
  script: 'sliding-counter',
  counters: true,
  read: (key, now, { window }) => {
    const w = windowIndex(now, window);
    return [{ op: 'get', key: `${key}:${w}` }, { op: 'get', key: `${key}:${w - 1}` }];
  },
  state: ([current, previous]) => ({ current: count(current), previous: count(previous) }),
  decide: (s, now, { limit, window }, cost) => {
    const elapsed = now - windowIndex(now, window) * window;
    // previous·(W − elapsed)/W + current + (cost − 1) < L, in integers (for cost 1: the estimate is under L)
    const allowed = cost <= limit && s.previous * (window - elapsed) + (s.current + cost - 1) * window < limit * window;
    return { allowed, state: allowed ? { ...s, current: s.current + cost } : s, delay: 0 };
  },
  write: (key, now, { window }, s) => [{ op: 'set', key: `${key}:${windowIndex(now, window)}`, value: String(s.current), ttl: 2 * window }],
  show: (s, now, { limit, window }) => ({ counter: `${s.current} + ${s.previous} before, of ${limit}`, window: alignedWindow(now, window) }),
};

/**
 * Token bucket: capacity B (default L), refilled at L per W. Tokens are kept in
 * units of 1/W of a token so refilling is exact integer arithmetic: a request of
 * cost n takes n·W, and `elapsed` microseconds add `elapsed · L`. A refused request
 * leaves the state as it was (as x/time/rate's `reserveN` does when not ok).
 */
export function tokenBucketWith(onBackwardClock: BackwardClock): Algorithm<{ tokens: number; at: Micros } | undefined> {
  return {
    name: 'token-bucket',
    script: onBackwardClock === 'keep-later' ? 'token-bucket' : 'token-bucket follow',
    counters: false,
    read: (key) => [{ op: 'hgetall', key }],
    state: ([hash]) => {
      const fields = hash as Record<string, string> | null;
      return fields?.tokens === undefined ? undefined : { tokens: Number(fields.tokens), at: Number(fields.at) };
    },
    decide: (s, now, { limit, window, burst }, cost) => {
      const capacity = (burst ?? limit) * window;
      const refilled = s === undefined ? capacity : Math.min(capacity, s.tokens + Math.max(0, now - s.at) * limit);
      // A clock that stepped back refills nothing; `keep-later` also keeps the later stamp so that time is not refilled twice.
      const at = s === undefined || onBackwardClock === 'follow' ? now : Math.max(now, s.at);
      if (refilled < cost * window) return { allowed: false, state: s, delay: 0 };
      return { allowed: true, state: { tokens: refilled - cost * window, at }, delay: 0 };
    },
    write: (key, _now, { limit, window, burst }, s) => {
      const capacity = (burst ?? limit) * window;
      // The key lives until the bucket would be full again: then a missing key and a full bucket agree.
      const untilFull = Math.ceil((capacity - s!.tokens) / limit);
      return [
        { op: 'hset', key, fields: { tokens: String(s!.tokens), at: String(s!.at) } },
        { op: 'pexpire', key, ttl: Math.max(1, untilFull) },
      ];
    },
    show: (s, _now, { limit, window, burst }) => ({ counter: `${s === undefined ? burst ?? limit : Math.floor(s.tokens / window)} of ${burst ?? limit} tokens` }),
  };
}

export const tokenBucket = tokenBucketWith('keep-later');

/** The leaky bucket's spacing between served requests: W/L, rounded up so L per W is never exceeded. */
export const emissionInterval = ({ limit, window }: Limit): Micros => Math.ceil(window / limit);

/** The leaky bucket's queue size: `burst`, or a tenth of the limit. */
export const queueSize = ({ limit, burst }: Limit): number => burst ?? Math.max(1, Math.ceil(limit / 10));

/**
 * Leaky bucket as a queue (virtual scheduling): requests leave at one per W/L; a
 * request joins the queue if fewer than B are waiting and waits its turn, else it is
 * rejected. The state is the time the queue will have drained (GCRA's theoretical
 * arrival time). Bursts are not passed on, they are delayed: the added latency is the wait.
 */
export const leakyBucket: Algorithm<Micros> = {
  name: 'leaky-bucket',
  script: 'leaky-bucket',
  counters: false,
  read: (key) => [{ op: 'get', key }],
  state: ([drainsAt], now) => (drainsAt === null || drainsAt === undefined ? now : Number(drainsAt)),
  // A request of cost n takes n places in the queue and n intervals to leave it.
  decide: (drainsAt, now, limit, cost) => {
    const spacing = emissionInterval(limit);
    const servedAt = Math.max(now, drainsAt);
    if (servedAt - now > (queueSize(limit) - cost) * spacing) return { allowed: false, state: drainsAt, delay: 0 };
    return { allowed: true, state: servedAt + cost * spacing, delay: servedAt - now };
  },
  write: (key, now, _limit, drainsAt) => [{ op: 'set', key, value: String(drainsAt), ttl: Math.max(1, drainsAt - now) }],
  show: (drainsAt, now, limit) => ({ counter: `${Math.max(0, Math.ceil((drainsAt - now) / emissionInterval(limit)))} of ${queueSize(limit)} queued` }),
};

/**
 * The answers GCRA libraries give for one call (go-redis/redis_rate's `Result`,
 * throttled's `RateLimitResult`), in microseconds:
 * - `allowed`: how many units were admitted: the cost, or 0 (redis_rate's `Allowed`);
 * - `remaining`: how many more units could be admitted at once now, after this call;
 * - `retryAfter`: −1 when admitted; when refused, how long until this cost would be
 *   admitted, or `Infinity` when it never can be (a cost above the burst: x/time/rate's
 *   `InfDuration`);
 * - `resetAfter`: how long until the limiter is back to its initial, full state.
 */
export interface GcraAnswer {
  allowed: number;
  remaining: number;
  retryAfter: Micros;
  resetAfter: Micros;
}

/**
 * GCRA (the generic cell rate algorithm, ITU-T I.371's virtual scheduling, as
 * throttled's `GCRARateLimiter.RateLimit` and redis_rate's `allowN` script run it):
 * the state is the theoretical arrival time TAT; with emission interval T = W/L and
 * tolerance B·T, a request of cost n at `now` is admitted when
 * max(TAT, now) + n·T − B·T ≤ now, and then TAT becomes max(TAT, now) + n·T. It admits
 * exactly what a token bucket of B refilled at L per W admits, keeping one number.
 *
 * Times are kept in units of 1/L µs, so T = W units and every step is exact integer
 * arithmetic (the libraries use float seconds or nanoseconds: redis_rate rounds
 * `remaining` down, as this does). `tat` is undefined for a user with no state.
 */
export function gcraAnswer(tat: number | undefined, now: Micros, { limit, window, burst }: Limit, cost: number): GcraAnswer & { tat: number | undefined } {
  const nowUnits = now * limit;
  const from = Math.max(tat ?? nowUnits, nowUnits);
  const newTat = from + cost * window;
  const allowAt = newTat - (burst ?? limit) * window;
  // Units back to microseconds, Math.ceil(units / limit), written out: a closure made per call costs more than the arithmetic.
  if (nowUnits < allowAt) {
    return {
      allowed: 0,
      // throttled's answer (what is left now); redis_rate answers 0 here.
      remaining: Math.max(0, Math.floor(((burst ?? limit) * window - (from - nowUnits)) / window)),
      retryAfter: cost > (burst ?? limit) ? Infinity : Math.ceil((allowAt - nowUnits) / limit),
      resetAfter: Math.ceil((from - nowUnits) / limit),
      tat,
    };
  }
  return { allowed: cost, remaining: Math.floor((nowUnits - allowAt) / window), retryAfter: -1, resetAfter: Math.ceil((newTat - nowUnits) / limit), tat: newTat };
}

/** GCRA as an algorithm: one key holding TAT (in units of 1/L µs), living until TAT has passed. */
export const gcra: Algorithm<number | undefined> = {
  name: 'gcra',
  script: 'gcra',
  counters: false,
  read: (key) => [{ op: 'get', key }],
  state: ([tat]) => (tat === null || tat === undefined ? undefined : Number(tat)),
  decide: (tat, now, limit, cost) => {
    const answer = gcraAnswer(tat, now, limit, cost);
    return { allowed: answer.allowed === cost, state: answer.tat, delay: 0 };
  },
  // redis_rate: `if reset_after > 0 then SET key new_tat EX ceil(reset_after)`: a TAT already passed is a full bucket, as is no key.
  write: (key, now, { limit }, tat) => (tat! <= now * limit ? [] : [{ op: 'set', key, value: String(tat), ttl: Math.ceil((tat! - now * limit) / limit) }]),
  show: (tat, now, limit) => ({ counter: `${gcraAnswer(tat, now, limit, 0).remaining} of ${limit.burst ?? limit.limit} left` }),
};

export const ALGORITHMS: Record<AlgorithmName, Algorithm> = {
  'fixed-window': fixedWindow,
  'sliding-log': slidingLog,
  'sliding-counter': slidingCounter,
  'token-bucket': tokenBucket,
  'leaky-bucket': leakyBucket,
  gcra,
};

/** Every variant a store must hold a script for: each algorithm, and the token bucket that follows a clock stepping back. */
export const SCRIPTED_ALGORITHMS: readonly Algorithm[] = [...Object.values(ALGORITHMS), tokenBucketWith('follow')];

/** The algorithm `name`; `onBackwardClock` chooses the token bucket's behaviour when its clock steps back (default `keep-later`). */
export function algorithmNamed(name: string, { onBackwardClock }: { onBackwardClock?: BackwardClock } = {}): Algorithm {
  const algorithm = (ALGORITHMS as Record<string, Algorithm | undefined>)[name];
  if (!algorithm) throw new ConfigError(`unknown rate-limiting algorithm '${name}' (known: ${Object.keys(ALGORITHMS).join(', ')})`);
  if (onBackwardClock === undefined) return algorithm;
  if (onBackwardClock !== 'keep-later' && onBackwardClock !== 'follow') throw new ConfigError(`onBackwardClock must be 'keep-later' or 'follow', not '${onBackwardClock}'`);
  if (name !== 'token-bucket') {
    throw new ConfigError(`onBackwardClock is the token bucket's choice; ${name} keeps no last-refill stamp (remove onBackwardClock, or use algorithm 'token-bucket')`);
  }
  return tokenBucketWith(onBackwardClock);
}

export function checkLimit(tier: string, limit: Limit): void {
  if (!Number.isInteger(limit.limit) || limit.limit <= 0) throw new ConfigError(`tier ${tier}: limit must be a positive integer`);
  if (!Number.isInteger(limit.window) || limit.window <= 0) throw new ConfigError(`tier ${tier}: window must be a positive number of microseconds`);
  // Burst 0: x/time/rate accepts it and then refuses every event ("A zero Burst allows no events, unless
  // limit == Inf"), throttled reads MaxBurst 0 as a burst of one, redis_rate lets remaining go negative and
  // refuses all. With a finite, positive limit always given here, a burst of 0 could only be a tier that
  // admits nothing while promising L per W, so it is refused as the mistake it most likely is.
  if (limit.burst === 0) {
    throw new ConfigError(`tier ${tier}: burst 0 would refuse every request (as x/time/rate does) while the tier promises ${limit.limit} per window; give a burst of 1 or more, or leave it out (burst = limit)`);
  }
  if (limit.burst !== undefined && (!Number.isInteger(limit.burst) || limit.burst <= 0)) throw new ConfigError(`tier ${tier}: burst must be a positive integer`);
}

/**
 * One decision, start to finish, through `call` (a script's `redis.call`, or a local
 * keyspace): read, decide, write if allowed. The store's atomic script and an API
 * server's local limiter both run exactly this.
 */
export function decideOn(
  call: (command: DataCommand) => RedisValue,
  algorithm: Algorithm,
  key: string,
  now: Micros,
  limit: Limit,
  request: string,
  cost = 1,
): { allowed: boolean; delay: Micros; shown: () => Record<string, string> } {
  const replies = algorithm.read(key, now, limit).map(call);
  const decision = algorithm.decide(algorithm.state(replies, now, limit), now, limit, cost);
  if (decision.allowed) for (const command of algorithm.write(key, now, limit, decision.state, request, cost)) call(command);
  // The whiteboard as a function: `ctx.annotate` builds it only when the run is traced.
  return { allowed: decision.allowed, delay: decision.delay, shown: () => whiteboard(algorithm, key, decision, now, limit) };
}

/**
 * One decision as the diagram shows it on the deciding node's lane: the last decision
 * (`rl:u3 allowed, 57/100`) and, for aligned windows, the window it counted in, whose
 * band ends at the window's edge.
 */
export function whiteboard<S>(algorithm: Algorithm<S>, key: string, decision: Decision<S>, now: Micros, limit: Limit): Record<string, string> {
  const { counter, window } = algorithm.show(decision.state, now, limit);
  const shown: Record<string, string> = { decision: `${key} ${decision.allowed ? 'allowed' : 'denied'}, ${counter}` };
  if (window !== undefined) shown.window = window;
  return shown;
}
