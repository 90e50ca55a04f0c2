import { describe, expect, it } from 'vitest';
import { ConfigError, ms, seconds, type Micros } from '../../src/kernel/index.js';
import { Keyspace } from '../../src/designs/redis/keyspace.js';
import {
  algorithmNamed, checkLimit, decideOn, fixedWindow, gcra, gcraAnswer, leakyBucket, slidingCounter, slidingLog, tokenBucket, tokenBucketWith,
  type Algorithm, type Limit,
} from '../../src/designs/rate-limiter/algorithms.js';

/**
 * The limiters driven with the cases of well-known limiters' own test suites. Each
 * test names its source; where our answer differs from the library's, the test says
 * so in its name and asserts our answer (the README's "Matched to the published
 * libraries" lists every case, and the ones that cannot be expressed).
 */

/** Requests `[time, cost]` through one algorithm on a fresh keyspace: 'Y' admitted, 'n' refused. */
function run(algorithm: Algorithm, limit: Limit, steps: Array<[Micros, number]>): string {
  const keyspace = new Keyspace();
  return steps.map(([t, cost], i) => (decideOn((c) => keyspace.execute(c, t), algorithm, 'rl:u', t, limit, String(i), cost).allowed ? 'Y' : 'n')).join('');
}

/** golang.org/x/time/rate's rate_test.go: d = 100 ms, t_k = k·d, NewLimiter(10, b) = 10 per second, burst b. */
const d = ms(100);
const t = (k: number) => k * d;
const xNewLimiter = (burst: number): Limit => ({ limit: 10, window: seconds(1), burst });

describe('golang.org/x/time/rate (rate_test.go)', () => {
  // Both the token bucket and GCRA (the same admissions, kept as one number) answer these.
  for (const algorithm of [tokenBucket, gcra]) {
    it(`${algorithm.name}: TestLimiterBurst1 — NewLimiter(10, 1); "burst size is 1, so n=2 always fails"`, () => {
      expect(run(algorithm, xNewLimiter(1), [[t(0), 1], [t(0), 1], [t(0), 1], [t(1), 1], [t(1), 1], [t(1), 1], [t(2), 2], [t(2), 1], [t(2), 1]])).toBe('YnnYnnnYn');
    });
    it(`${algorithm.name}: TestLimiterBurst3 — NewLimiter(10, 3), AllowN with n = 2, 4 (above the burst), 3 and 0`, () => {
      const steps: Array<[Micros, number]> = [
        [t(0), 2], [t(0), 2], [t(0), 1], [t(0), 1], [t(1), 4], [t(2), 1], [t(3), 1], [t(4), 1], [t(4), 1], [t(4), 1], [t(4), 1], [t(9), 3], [t(9), 0],
      ];
      expect(run(algorithm, xNewLimiter(3), steps)).toBe('YnYnnYYYYnnYY');
    });
    it(`${algorithm.name}: TestSimultaneousRequests — NewLimiter(1, 5), 15 requests at once: exactly 5 allowed`, () => {
      const answers = run(algorithm, { limit: 1, window: seconds(1), burst: 5 }, Array.from({ length: 15 }, (): [Micros, number] => [seconds(10), 1]));
      expect(answers).toBe('YYYYYnnnnnnnnnn');
    });
  }

  const jumpBackwards: Array<[Micros, number]> = [t(1), t(0), t(0), t(0), t(0), t(1), t(1), t(1), t(2), t(2), t(2)].map((at) => [at, 1]);
  it('token bucket, onBackwardClock follow: TestLimiterJumpBackwards — "jump back to t0, two tokens remain" … "got a token" at t1', () => {
    expect(run(tokenBucketWith('follow'), xNewLimiter(3), jumpBackwards)).toBe('YYYnnYnnYnn');
  });
  it('token bucket, onBackwardClock keep-later (the default): TestLimiterJumpBackwards differs at step 5 — no token at t1, since t0..t1 was already refilled', () => {
    expect(run(tokenBucket, xNewLimiter(3), jumpBackwards)).toBe('YYYnnnnnYnn');
  });
  it('gcra: TestLimiterJumpBackwards differs — the TAT is an absolute time, so the step back to t0 charges it: one token at t0, then one per d', () => {
    expect(run(gcra, xNewLimiter(3), jumpBackwards)).toBe('YYnnnYnnYnn');
  });

  it('rate.go: "A zero Burst allows no events, unless limit == Inf" — we have no Inf limit, so burst 0 is refused as a configuration error', () => {
    expect(() => checkLimit('free', { limit: 10, window: seconds(1), burst: 0 })).toThrow(ConfigError);
    expect(() => checkLimit('free', { limit: 10, window: seconds(1), burst: 0 })).toThrow(/burst 0 would refuse every request \(as x\/time\/rate does\).*give a burst of 1 or more/);
  });
});

describe('throttled/throttled GCRARateLimiter (rate_test.go, TestRateLimit)', () => {
  // RateQuota{MaxRate: PerSec(1), MaxBurst: 4}: throttled's Limit is MaxBurst + 1 = 5, our burst.
  const quota: Limit = { limit: 1, window: seconds(1), burst: 5 };
  // [now, volume, remaining, reset, retry, limited], as the test's table lists them (retry −1: "not relevant").
  const cases: Array<[Micros, number, number, Micros, Micros, boolean]> = [
    [0, 6, 5, 0, -1, true], // 0: "You can never make a request larger than the maximum"
    [0, 1, 4, seconds(1), -1, false], // 1–5: "Rate limit normal requests appropriately"
    [0, 1, 3, seconds(2), -1, false],
    [0, 1, 2, seconds(3), -1, false],
    [0, 1, 1, seconds(4), -1, false],
    [0, 1, 0, seconds(5), -1, false],
    [0, 1, 0, seconds(5), seconds(1), true],
    [ms(3000), 1, 2, ms(3000), -1, false],
    [ms(3100), 1, 1, ms(3900), -1, false],
    [ms(4000), 1, 1, ms(4000), -1, false],
    [ms(8000), 1, 4, ms(1000), -1, false],
    [ms(9500), 1, 4, ms(1000), -1, false],
    [ms(9500), 0, 4, seconds(1), -1, false], // 12: "Zero-volume request just peeks at the state"
    [ms(9500), 2, 2, seconds(3), -1, false], // 13: "High-volume request uses up more of the limit"
    [ms(9500), 5, 2, seconds(3), seconds(3), true], // 14: "Large requests cannot exceed limits"
    [ms(15000), 6, 5, 0, -1, true], // 15: larger than the maximum, after the state was reset by timeout
  ];
  it('every row: limited, remaining, reset after and retry after match; a volume above the burst retries after Infinity where throttled says −1', () => {
    let tat: number | undefined;
    cases.forEach(([now, volume, remaining, reset, retry, limited], row) => {
      const answer = gcraAnswer(tat, now, quota, volume);
      tat = answer.tat;
      const expected = { limited, remaining, resetAfter: reset, retryAfter: volume > 5 ? Infinity : retry };
      expect({ row, limited: answer.allowed !== volume, remaining: answer.remaining, resetAfter: answer.resetAfter, retryAfter: answer.retryAfter }).toEqual({ row, ...expected });
    });
  });
});

describe('go-redis/redis_rate v10 (rate_test.go; allowN in lua.go)', () => {
  const perSecond10: Limit = { limit: 10, window: seconds(1), burst: 10 }; // redis_rate.PerSecond(10): "10 req/s (burst 10)"
  const answers = (steps: number[]) => {
    let tat: number | undefined;
    return steps.map((cost) => {
      const { tat: next, ...answer } = gcraAnswer(tat, seconds(7), perSecond10, cost);
      tat = next;
      return answer;
    });
  };
  it('TestAllow: Allow → 1, 9 left, reset 100 ms; AllowN 2 → 7 left, 300 ms; AllowN 7 → 0 left, 1 s', () => {
    expect(answers([1, 2, 7])).toEqual([
      { allowed: 1, remaining: 9, retryAfter: -1, resetAfter: ms(100) },
      { allowed: 2, remaining: 7, retryAfter: -1, resetAfter: ms(300) },
      { allowed: 7, remaining: 0, retryAfter: -1, resetAfter: seconds(1) },
    ]);
  });
  it('TestAllow differs: AllowN 1000 (above the burst) — redis_rate answers retry after ~99 s, when it would still be refused; we answer Infinity (x/time/rate: InfDuration)', () => {
    expect(answers([1, 2, 7, 1000])[3]).toEqual({ allowed: 0, remaining: 0, retryAfter: Infinity, resetAfter: seconds(1) });
  });
  it('TestAllowN_IncrementZero: AllowN 0 peeks — 0 allowed, 10 left, reset 0; after Allow, the peek sees 9 left and reset 100 ms', () => {
    expect(answers([0, 1, 0])).toEqual([
      { allowed: 0, remaining: 10, retryAfter: -1, resetAfter: 0 },
      { allowed: 1, remaining: 9, retryAfter: -1, resetAfter: ms(100) },
      { allowed: 0, remaining: 9, retryAfter: -1, resetAfter: ms(100) },
    ]);
  });
  it('TestRetryAfter: Limit{Rate: 1, Period: 1 ms, Burst: 1} — every refusal says retry after at most 1 ms', () => {
    const limit: Limit = { limit: 1, window: ms(1), burst: 1 };
    let tat: number | undefined;
    const refusals: Micros[] = [];
    for (let now = 0; now < ms(5); now += 250) {
      const answer = gcraAnswer(tat, now, limit, 1);
      tat = answer.tat;
      if (answer.allowed === 0) refusals.push(answer.retryAfter);
    }
    expect(refusals.length).toBeGreaterThan(0);
    expect(refusals.every((retry) => retry > 0 && retry <= ms(1))).toBe(true);
  });
  it('the key lives until TAT has passed ("SET key new_tat EX ceil(reset_after)"), and a peek of a drained state writes nothing', () => {
    const keyspace = new Keyspace();
    decideOn((c) => keyspace.execute(c, 0), gcra, 'rl:u', 0, perSecond10, 'a', 3);
    expect(keyspace.execute({ op: 'get', key: 'rl:u' }, ms(299))).not.toBeNull();
    expect(keyspace.execute({ op: 'get', key: 'rl:u' }, ms(300))).toBeNull();
    decideOn((c) => keyspace.execute(c, seconds(1)), gcra, 'rl:u', seconds(1), perSecond10, 'b', 0);
    expect(keyspace.execute({ op: 'get', key: 'rl:u' }, seconds(1))).toBeNull();
  });
});

describe("Stripe's token-bucket script (\"Scaling your API with rate limiters\", 2017: allowed = filled_tokens >= requested)", () => {
  const limit: Limit = { limit: 10, window: seconds(1), burst: 20 }; // replenish_rate 10/s, burst capacity 20
  it('a full bucket grants a request for its whole capacity at once, and a request for more never', () => {
    expect(run(tokenBucket, limit, [[0, 20], [seconds(1), 10], [seconds(5), 21], [seconds(100), 21]])).toBe('YYnn');
  });
  it('a refused request takes nothing (new_tokens = filled_tokens when not allowed)', () => {
    expect(run(tokenBucket, limit, [[0, 15], [0, 6], [0, 5], [0, 1]])).toBe('YnYn');
  });
  it('delta = max(0, now − last_refreshed) and the timestamp set to now: a clock stepping back is followed (onBackwardClock follow)', () => {
    const small: Limit = { limit: 2, window: 1_000, burst: 2 };
    expect(run(tokenBucketWith('follow'), small, [[1_000, 1], [600, 1], [1_100, 1]])).toBe('YYY');
    expect(run(tokenBucket, small, [[1_000, 1], [600, 1], [1_100, 1]])).toBe('YYn');
  });
});

describe('envoyproxy/ratelimit fixed window (base_limiter.go: OVER_LIMIT when limitAfterIncrease > RequestsPerUnit)', () => {
  const perSecond3: Limit = { limit: 3, window: seconds(1) };
  it('3 per second: three OK, the fourth OVER_LIMIT, and a new second (a new cache key) is OK again', () => {
    expect(run(fixedWindow, perSecond3, [[0, 1], [ms(100), 1], [ms(200), 1], [ms(300), 1], [seconds(1), 1]])).toBe('YYYnY');
  });
  it('hits_addend 2 at 2 of 3 is over the limit; differs after: Envoy has already added the 2 (INCRBY before comparing) and refuses the next 1, we count only admissions and admit it', () => {
    expect(run(fixedWindow, perSecond3, [[0, 2], [ms(100), 2], [ms(200), 1]])).toBe('YnY');
  });
});

describe("Guava's RateLimiter (javadoc of RateLimiter.create)", () => {
  it('RateLimiter.create(2.0), "2 permits per second": tryAcquire at 0 s yes, again no, at 0.5 s yes — a GCRA of burst 1', () => {
    expect(run(gcra, { limit: 2, window: seconds(1), burst: 1 }, [[0, 1], [0, 1], [ms(499), 1], [ms(500), 1], [ms(500), 1]])).toBe('YnnYn');
  });
});

describe('request cost in every algorithm (AllowN / consume(n)): a cost above the burst or limit is always refused, never queued', () => {
  const limit: Limit = { limit: 4, window: 1_000 };
  it('fixed window, sliding log and sliding counter take n of the L at once', () => {
    for (const algorithm of [fixedWindow, slidingLog, slidingCounter]) expect(run(algorithm, limit, [[0, 3], [1, 2], [2, 1], [3, 1]]), algorithm.name).toBe('YnYn');
    for (const algorithm of [fixedWindow, slidingLog, slidingCounter]) expect(run(algorithm, limit, [[0, 5], [5_000, 5]]), algorithm.name).toBe('nn');
  });
  it('the sliding log keeps one entry per unit', () => {
    const keyspace = new Keyspace();
    decideOn((c) => keyspace.execute(c, 0), slidingLog, 'rl:u', 0, limit, 'r', 3);
    expect(keyspace.execute({ op: 'zcard', key: 'rl:u' }, 0)).toBe(3);
  });
  it('the leaky bucket queues a request of n as n places, served n intervals long, and refuses n above its queue', () => {
    const queue: Limit = { limit: 4, window: 1_000, burst: 3 }; // one leaves every 250 µs; 3 places
    const keyspace = new Keyspace();
    const decide = (at: Micros, cost: number) => {
      const { allowed, delay } = decideOn((c) => keyspace.execute(c, at), leakyBucket, 'rl:u', at, queue, String(at), cost);
      return { allowed, delay };
    };
    expect([decide(0, 2), decide(0, 2), decide(0, 1), decide(0, 4)]).toEqual([
      { allowed: true, delay: 0 },
      { allowed: false, delay: 0 },
      { allowed: true, delay: 500 },
      { allowed: false, delay: 0 },
    ]);
  });
});

describe('onBackwardClock is the token bucket\'s option only', () => {
  it('the default is keep-later; other algorithms refuse it with a ConfigError', () => {
    expect(algorithmNamed('token-bucket')).toBe(tokenBucket);
    expect(algorithmNamed('token-bucket', { onBackwardClock: 'follow' }).script).toBe('token-bucket follow');
    expect(() => algorithmNamed('gcra', { onBackwardClock: 'follow' })).toThrow(/onBackwardClock is the token bucket's choice; gcra keeps no last-refill stamp/);
  });
});
