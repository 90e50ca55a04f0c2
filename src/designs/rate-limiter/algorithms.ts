import { ConfigError, formatDuration, formatTime, type Micros } from '../../kernel/index.js';
import type { DataCommand, RedisValue } from '../redis/keyspace.js';

/** A tier's limit: `limit` requests per `window`; `burst` is the bucket capacity (token and leaky bucket). */
export interface Limit {
  limit: number;
  window: Micros;
  burst?: number;
}

export type AlgorithmName = 'fixed-window' | 'sliding-log' | 'sliding-counter' | 'token-bucket' | 'leaky-bucket';

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
  /** The state lives in counters that one write raises by one (so hybrid sync can add them up). */
  readonly counters: boolean;
  read(key: string, now: Micros, limit: Limit): DataCommand[];
  state(replies: readonly RedisValue[], now: Micros, limit: Limit): S;
  decide(state: S, now: Micros, limit: Limit): Decision<S>;
  write(key: string, now: Micros, limit: Limit, state: S, request: string): DataCommand[];
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
  counters: true,
  read: (key, now, { window }) => [{ op: 'get', key: `${key}:${windowIndex(now, window)}` }],
  state: ([current]) => count(current),
  decide: (current, _now, { limit }) => (current < limit ? { allowed: true, state: current + 1, delay: 0 } : { allowed: false, state: current, delay: 0 }),
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
  counters: false,
  read: (key, now, { window }) => [
    { op: 'zremrangebyscore', key, min: Number.MIN_SAFE_INTEGER, max: now - window },
    { op: 'zcard', key },
  ],
  state: ([, size]) => count(size),
  decide: (size, _now, { limit }) => (size < limit ? { allowed: true, state: size + 1, delay: 0 } : { allowed: false, state: size, delay: 0 }),
  write: (key, now, { window }, _size, request) => [
    { op: 'zadd', key, score: now, member: request },
    { op: 'pexpire', key, ttl: window },
  ],
  show: (size, _now, { limit, window }) => ({ counter: `${size}/${limit} in the last ${formatDuration(window)}` }),
};

/**
 * Sliding window counter: the previous window's count weighted by how much of it the
 * sliding window still covers, plus the current count. Exact per aligned window, an
 * estimate in between (it assumes the previous window's requests were spread evenly).
 */
export const slidingCounter: Algorithm<{ current: number; previous: number }> = {
  name: 'sliding-counter',
  counters: true,
  read: (key, now, { window }) => {
    const w = windowIndex(now, window);
    return [{ op: 'get', key: `${key}:${w}` }, { op: 'get', key: `${key}:${w - 1}` }];
  },
  state: ([current, previous]) => ({ current: count(current), previous: count(previous) }),
  decide: (s, now, { limit, window }) => {
    const elapsed = now - windowIndex(now, window) * window;
    // previous·(W − elapsed)/W + current < L, in integers
    const allowed = s.previous * (window - elapsed) + s.current * window < limit * window;
    return { allowed, state: allowed ? { ...s, current: s.current + 1 } : s, delay: 0 };
  },
  write: (key, now, { window }, s) => [{ op: 'set', key: `${key}:${windowIndex(now, window)}`, value: String(s.current), ttl: 2 * window }],
  show: (s, now, { limit, window }) => ({ counter: `${s.current} + ${s.previous} before, of ${limit}`, window: alignedWindow(now, window) }),
};

/**
 * Token bucket: capacity B (default L), refilled at L per W. Tokens are kept in
 * units of 1/W of a token so refilling is exact integer arithmetic: a request costs W,
 * and `elapsed` microseconds add `elapsed · L`.
 */
export const tokenBucket: Algorithm<{ tokens: number; at: Micros } | undefined> = {
  name: 'token-bucket',
  counters: false,
  read: (key) => [{ op: 'hgetall', key }],
  state: ([hash]) => {
    const fields = hash as Record<string, string> | null;
    return fields?.tokens === undefined ? undefined : { tokens: Number(fields.tokens), at: Number(fields.at) };
  },
  decide: (s, now, { limit, window, burst }) => {
    const capacity = (burst ?? limit) * window;
    const refilled = s === undefined ? capacity : Math.min(capacity, s.tokens + Math.max(0, now - s.at) * limit);
    // A clock that stepped back refills nothing, and keeps the later stamp so the time is not refilled twice.
    const at = s === undefined ? now : Math.max(now, s.at);
    if (refilled < window) return { allowed: false, state: s, delay: 0 };
    return { allowed: true, state: { tokens: refilled - window, at }, delay: 0 };
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
  counters: false,
  read: (key) => [{ op: 'get', key }],
  state: ([drainsAt], now) => (drainsAt === null || drainsAt === undefined ? now : Number(drainsAt)),
  decide: (drainsAt, now, limit) => {
    const spacing = emissionInterval(limit);
    const servedAt = Math.max(now, drainsAt);
    if (servedAt - now > (queueSize(limit) - 1) * spacing) return { allowed: false, state: drainsAt, delay: 0 };
    return { allowed: true, state: servedAt + spacing, delay: servedAt - now };
  },
  write: (key, now, _limit, drainsAt) => [{ op: 'set', key, value: String(drainsAt), ttl: Math.max(1, drainsAt - now) }],
  show: (drainsAt, now, limit) => ({ counter: `${Math.max(0, Math.ceil((drainsAt - now) / emissionInterval(limit)))} of ${queueSize(limit)} queued` }),
};

export const ALGORITHMS: Record<AlgorithmName, Algorithm> = {
  'fixed-window': fixedWindow,
  'sliding-log': slidingLog,
  'sliding-counter': slidingCounter,
  'token-bucket': tokenBucket,
  'leaky-bucket': leakyBucket,
};

export function algorithmNamed(name: string): Algorithm {
  const algorithm = (ALGORITHMS as Record<string, Algorithm | undefined>)[name];
  if (!algorithm) throw new ConfigError(`unknown rate-limiting algorithm '${name}' (known: ${Object.keys(ALGORITHMS).join(', ')})`);
  return algorithm;
}

export function checkLimit(tier: string, limit: Limit): void {
  if (!Number.isInteger(limit.limit) || limit.limit <= 0) throw new ConfigError(`tier ${tier}: limit must be a positive integer`);
  if (!Number.isInteger(limit.window) || limit.window <= 0) throw new ConfigError(`tier ${tier}: window must be a positive number of microseconds`);
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
): { allowed: boolean; delay: Micros; shown: Record<string, string> } {
  const replies = algorithm.read(key, now, limit).map(call);
  const decision = algorithm.decide(algorithm.state(replies, now, limit), now, limit);
  if (decision.allowed) for (const command of algorithm.write(key, now, limit, decision.state, request)) call(command);
  return { allowed: decision.allowed, delay: decision.delay, shown: whiteboard(algorithm, key, decision, now, limit) };
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
