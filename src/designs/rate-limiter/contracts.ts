import { formatDuration, formatTime, type Micros } from '../../kernel/index.js';
import { emissionInterval, type AlgorithmName, type Limit } from './algorithms.js';

/**
 * What each algorithm promises about the requests it admits, judged on true times:
 * - `sliding-window`: in every window of length W, at most L (sliding window log);
 * - `fixed-window`: at most L in each aligned window (fixed window, sliding window counter);
 * - `token-bucket`: in every interval of length T, at most B + r·T (r = L/W);
 * - `leaky-bucket`: served requests at least W/L apart (B + r·T with B = 1).
 */
export type ContractName = 'sliding-window' | 'fixed-window' | 'token-bucket' | 'leaky-bucket';

export const CONTRACT_OF: Record<AlgorithmName, ContractName> = {
  'fixed-window': 'fixed-window',
  'sliding-log': 'sliding-window',
  'sliding-counter': 'fixed-window',
  'token-bucket': 'token-bucket',
  'leaky-bucket': 'leaky-bucket',
  // GCRA with tolerance B·T admits exactly what a token bucket of B refilled at L per W admits.
  gcra: 'token-bucket',
};

/** A running judge of one contract over every user's admitted requests. */
export interface ContractMeter {
  readonly contract: ContractName;
  /** Records an admission of `cost` units at true time `t`; returns why it breaks the contract, or undefined. */
  admit(user: string, t: Micros, limit: Limit, cost?: number): string | undefined;
  /** Records an admission as `admit` does; only whether it breaks the contract, without wording why (the study counts millions). */
  breaks(user: string, t: Micros, limit: Limit, cost?: number): boolean;
  /** Whether admitting `cost` more units at `t` would keep the contract: the request was a good one. */
  conforms(user: string, t: Micros, limit: Limit, cost?: number): boolean;
}

/**
 * `slack` narrows the sliding window to W − slack: for limiters whose timestamps are
 * only as good as a millisecond clock and one network hop, so that the checker
 * reports what they get wrong beyond that precision.
 */
export function contractMeter(contract: ContractName, slack: Micros = 0): ContractMeter {
  switch (contract) {
    case 'sliding-window':
      return new SlidingWindowMeter(slack);
    case 'fixed-window':
      return new AlignedWindowMeter();
    case 'token-bucket':
      return new BucketMeter('token-bucket', (limit) => limit);
    case 'leaky-bucket':
      return new BucketMeter('leaky-bucket', (limit) => ({ limit: 1, window: emissionInterval(limit), burst: 1 }));
  }
}

/**
 * Admission times per user over the last two windows, kept sorted. Admissions arrive
 * in time order except where several deciders (servers, queues) interleave; those are
 * inserted in place, and every window containing them is counted.
 */
export class SlidingWindowMeter implements ContractMeter {
  readonly contract = 'sliding-window';
  private readonly logs = new Map<string, { times: Micros[]; head: number }>();
  /** The most admissions seen in any window of length W, as a multiple of L. */
  worst = 0;

  constructor(private readonly slack: Micros = 0) {}

  admit(user: string, t: Micros, tier: Limit, cost = 1): string | undefined {
    return this.record(user, t, tier, cost)?.();
  }

  breaks(user: string, t: Micros, tier: Limit, cost = 1): boolean {
    return this.record(user, t, tier, cost) !== undefined;
  }

  /** Records the admission; when it breaks the contract, returns how to say why. */
  private record(user: string, t: Micros, tier: Limit, cost: number): (() => string) | undefined {
    const limit = this.narrowed(tier);
    let log = this.logs.get(user);
    if (log === undefined) this.logs.set(user, (log = { times: [], head: 0 }));
    const times = log.times;
    // A request of cost n is n admissions at one instant.
    for (let unit = 0; unit < cost; unit++) {
      if (times.length === log.head || times[times.length - 1]! <= t) times.push(t);
      else times.splice(firstAbove(times, log.head, t), 0, t);
    }
    const newest = times[times.length - 1]!;
    while (times[log.head]! <= newest - 2 * limit.window) log.head++;
    if (log.head > 64 && log.head * 2 > times.length) {
      times.splice(0, log.head);
      log.head = 0;
    }
    const most = newest === t ? { count: times.length - firstAbove(times, log.head, t - limit.window), from: t } : mostInAWindowWith(times, log.head, t, limit.window);
    if (most.count / limit.limit > this.worst) this.worst = most.count / limit.limit;
    if (most.count <= limit.limit) return undefined;
    const from = newest === t ? times[times.length - most.count]! : most.from;
    return () => `${most.count} requests admitted for ${user} in the ${formatDuration(limit.window)} window from ${formatTime(from)} (limit ${limit.limit})`;
  }

  conforms(user: string, t: Micros, tier: Limit, cost = 1): boolean {
    const limit = this.narrowed(tier);
    const log = this.logs.get(user);
    if (!log) return limit.limit >= cost;
    const atOrBefore = firstAbove(log.times, log.head, t);
    const inWindowEndingAtT = atOrBefore - firstAbove(log.times, log.head, t - limit.window);
    // Later admissions (from interleaved deciders) count too: the window starting at t holds them.
    const inWindowStartingAtT = firstAbove(log.times, log.head, t + limit.window - 1) - firstAbove(log.times, log.head, t - 1);
    return Math.max(inWindowEndingAtT, inWindowStartingAtT) + cost <= limit.limit;
  }

  private narrowed(limit: Limit): Limit {
    return this.slack === 0 ? limit : { ...limit, window: limit.window - this.slack };
  }
}

/** The first index at or after `from` whose time is above `t` (binary search). */
function firstAbove(times: readonly Micros[], from: number, t: Micros): number {
  let lo = from;
  let hi = times.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (times[mid]! <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The fullest window [a, a + W) that contains t. */
function mostInAWindowWith(times: readonly Micros[], head: number, t: Micros, window: Micros): { count: number; from: Micros } {
  let best = { count: 0, from: t };
  let end = head;
  for (let start = firstAbove(times, head, t - window); start < times.length && times[start]! <= t; start++) {
    if (end < start) end = start;
    while (end < times.length && times[end]! - times[start]! < window) end++;
    if (end - start > best.count) best = { count: end - start, from: times[start]! };
  }
  return best;
}

/** Counts per aligned window [kW, (k+1)W) of true time. */
export class AlignedWindowMeter implements ContractMeter {
  readonly contract = 'fixed-window';
  private readonly counts = new Map<string, { index: number; count: number }>();

  admit(user: string, t: Micros, limit: Limit, cost = 1): string | undefined {
    return this.record(user, t, limit, cost)?.();
  }

  breaks(user: string, t: Micros, limit: Limit, cost = 1): boolean {
    return this.record(user, t, limit, cost) !== undefined;
  }

  /** Records the admission; when it breaks the contract, returns how to say why. */
  private record(user: string, t: Micros, limit: Limit, cost: number): (() => string) | undefined {
    const index = Math.floor(t / limit.window);
    const current = this.counts.get(user);
    // An admission for a window already left behind (interleaved deciders) is not re-opened.
    if (current && current.index > index) return undefined;
    // Counted in place: a new object per admission would outlive a scavenge in the study's millions.
    let count = cost;
    if (current === undefined) this.counts.set(user, { index, count });
    else {
      count = current.index === index ? current.count + cost : cost;
      current.index = index;
      current.count = count;
    }
    if (count <= limit.limit) return undefined;
    return () => `${count} requests admitted for ${user} in the aligned window from ${formatTime(index * limit.window)} (limit ${limit.limit})`;
  }

  conforms(user: string, t: Micros, limit: Limit, cost = 1): boolean {
    const current = this.counts.get(user);
    return current?.index !== Math.floor(t / limit.window) ? cost <= limit.limit : current.count + cost <= limit.limit;
  }
}

/**
 * A virtual token bucket that starts full: a sequence of admissions fits "at most
 * B + r·T in every interval of length T" exactly when this bucket never goes below
 * zero. Tokens are in units of 1/W, as in the algorithm, so the check is exact. It
 * remembers since when it was last full, to name the interval that broke the contract.
 */
export class BucketMeter implements ContractMeter {
  private readonly buckets = new Map<string, { tokens: number; at: Micros; fullAt: Micros; sinceFull: number }>();

  constructor(
    readonly contract: ContractName,
    private readonly envelope: (limit: Limit) => Limit,
  ) {}

  admit(user: string, t: Micros, tier: Limit, cost = 1): string | undefined {
    return this.record(user, t, tier, cost)?.();
  }

  breaks(user: string, t: Micros, tier: Limit, cost = 1): boolean {
    return this.record(user, t, tier, cost) !== undefined;
  }

  /** Records the admission; when it breaks the contract, returns how to say why. */
  private record(user: string, t: Micros, tier: Limit, cost: number): (() => string) | undefined {
    const limit = this.envelope(tier);
    let bucket = this.buckets.get(user);
    if (bucket === undefined) this.buckets.set(user, (bucket = { tokens: capacityOf(limit), at: t, fullAt: t, sinceFull: 0 }));
    else this.refill(bucket, t, limit);
    bucket.tokens -= cost * limit.window;
    bucket.sinceFull += cost;
    if (bucket.tokens >= 0) return undefined;
    const burst = limit.burst ?? limit.limit;
    const { sinceFull, fullAt } = bucket;
    const span = t - fullAt;
    return () =>
      `${sinceFull} requests admitted for ${user} in the ${formatDuration(span)} from ${formatTime(fullAt)}; ` +
      `the contract allows ${burst} + ${limit.limit}/${formatDuration(limit.window)} × ${formatDuration(span)} = ${(burst + (limit.limit * span) / limit.window).toFixed(2)}`;
  }

  conforms(user: string, t: Micros, tier: Limit, cost = 1): boolean {
    const limit = this.envelope(tier);
    const bucket = this.buckets.get(user);
    const capacity = capacityOf(limit);
    const tokens = bucket === undefined ? capacity : Math.min(capacity, bucket.tokens + Math.max(0, t - bucket.at) * limit.limit);
    return tokens >= cost * limit.window;
  }

  /** Refills the bucket up to `t`, in place (one object per user: the study has millions). */
  private refill(bucket: { tokens: number; at: Micros; fullAt: Micros; sinceFull: number }, t: Micros, limit: Limit): void {
    const capacity = capacityOf(limit);
    const refilled = bucket.tokens + Math.max(0, t - bucket.at) * limit.limit;
    bucket.at = Math.max(t, bucket.at);
    if (refilled >= capacity) {
      bucket.tokens = capacity;
      bucket.fullAt = t;
      bucket.sinceFull = 0;
    } else bucket.tokens = refilled;
  }
}

const capacityOf = (limit: Limit) => (limit.burst ?? limit.limit) * limit.window;
