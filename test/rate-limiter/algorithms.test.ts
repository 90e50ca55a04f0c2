import { describe, expect, it } from 'vitest';
import { Keyspace } from '../../src/designs/redis/keyspace.js';
import { decideOn, fixedWindow, leakyBucket, slidingCounter, slidingLog, tokenBucket, type Algorithm, type Limit } from '../../src/designs/rate-limiter/algorithms.js';

/** Runs requests at the given times through one algorithm on a fresh keyspace; returns what each got. */
function run(algorithm: Algorithm, limit: Limit, times: number[]) {
  const keyspace = new Keyspace();
  return times.map((t, i) => decideOn((c) => keyspace.execute(c, t), algorithm, 'rl:u', t, limit, String(i)));
}
const allowed = (decisions: Array<{ allowed: boolean }>) => decisions.map((d) => (d.allowed ? 'Y' : 'n')).join('');

describe('fixed window', () => {
  const limit = { limit: 3, window: 1_000 };
  it('admits L per aligned window and opens a new one exactly at the boundary', () => {
    expect(allowed(run(fixedWindow, limit, [0, 1, 2, 3, 999, 1_000, 1_001, 1_002, 1_003]))).toBe('YYYnnYYYn');
  });
  it('lets 2L through across a window edge', () => {
    expect(allowed(run(fixedWindow, limit, [997, 998, 999, 1_000, 1_001, 1_002]))).toBe('YYYYYY');
  });
});

describe('sliding window log', () => {
  const limit = { limit: 3, window: 1_000 };
  it('admits L in any window and frees a slot exactly W after an admission', () => {
    // 0, 100, 200 fill the window; 999 is still inside it; at 1000 the entry of 0 is at now − W and is removed.
    expect(allowed(run(slidingLog, limit, [0, 100, 200, 300, 999, 1_000, 1_001, 1_100]))).toBe('YYYnnYnY');
  });
  it('does not let 2L through across an aligned edge', () => {
    expect(allowed(run(slidingLog, limit, [997, 998, 999, 1_000, 1_001, 1_002]))).toBe('YYYnnn');
  });
  it('keeps one member per request, even for requests at the same instant', () => {
    const keyspace = new Keyspace();
    for (let i = 0; i < 3; i++) decideOn((c) => keyspace.execute(c, 5), slidingLog, 'rl:u', 5, limit, String(i));
    expect(keyspace.execute({ op: 'zcard', key: 'rl:u' }, 5)).toBe(3);
  });
});

describe('sliding window counter', () => {
  const limit = { limit: 10, window: 1_000 };
  it('weights the previous window by how much of it the sliding window still covers', () => {
    const full = Array.from({ length: 10 }, (_, i) => i);
    // At 1000 the previous window counts whole (10): denied. At 1500 it counts half (5): five more.
    expect(allowed(run(slidingCounter, limit, [...full, 1_000, 1_500, 1_500, 1_500, 1_500, 1_500, 1_500]))).toBe('YYYYYYYYYYnYYYYYn');
  });
});

describe('token bucket', () => {
  const limit = { limit: 2, window: 1_000, burst: 2 };
  it('spends a full bucket at once, then refills at L per W', () => {
    // Full bucket of 2 at 0; one token takes W/L = 500 to refill: not yet at 499, exactly at 500.
    expect(allowed(run(tokenBucket, limit, [0, 0, 0, 499, 500, 500]))).toBe('YYnnYn');
  });
  it('never holds more than its capacity, however long it rests', () => {
    expect(allowed(run(tokenBucket, limit, [0, 0, 100_000, 100_000, 100_000]))).toBe('YYYYn');
  });
  it('refills nothing for a clock that stepped back, and never refills the same time twice', () => {
    // At 1000 one token is spent; the clock steps back to 600 and the second goes; back at
    // 1100 only 100 has passed since the last stamp (1000): no whole token yet. Re-stamping
    // at 600 would count 600..1000 again and hand one out.
    expect(allowed(run(tokenBucket, limit, [1_000, 600, 1_100]))).toBe('YYn');
  });
});

describe('leaky bucket', () => {
  const limit = { limit: 2, window: 1_000, burst: 2 };
  it('queues up to B requests and serves them W/L apart, rejecting the rest', () => {
    const decisions = run(leakyBucket, limit, [0, 0, 0, 600, 600]);
    expect(allowed(decisions)).toBe('YYnYn');
    // The second waits one interval; at 600 the queue drains at 1000, so a request waits 400.
    expect(decisions.map((d) => d.delay)).toEqual([0, 500, 0, 400, 0]);
  });
});
