import { describe, expect, it } from 'vitest';
import type { KernelFact } from '../../src/kernel/index.js';
import { contractMeter } from '../../src/designs/rate-limiter/contracts.js';
import type { Decided, LimiterFact } from '../../src/designs/rate-limiter/facts.js';
import { availability, contractHolds } from '../../src/designs/rate-limiter/properties.js';
import { factsOf } from '../fixtures/facts.js';

const limit = { limit: 3, window: 1_000 };
const tiers = { free: limit };

function admitAll(contract: Parameters<typeof contractMeter>[0], times: number[]) {
  const meter = contractMeter(contract);
  return times.map((t) => meter.admit('u', t, limit));
}
const firstBreach = (results: Array<string | undefined>) => results.findIndex((r) => r !== undefined);

describe('contract meters', () => {
  it('sliding window: L in any window of W holds, L + 1 within W breaks it', () => {
    expect(firstBreach(admitAll('sliding-window', [0, 500, 999, 1_000, 1_500, 1_999]))).toBe(-1);
    expect(firstBreach(admitAll('sliding-window', [0, 500, 999, 999]))).toBe(3);
    // 2L across an aligned edge breaks it.
    expect(firstBreach(admitAll('sliding-window', [997, 998, 999, 1_000]))).toBe(3);
  });
  it('sliding window: counts admissions that arrive out of order into every window holding them', () => {
    expect(firstBreach(admitAll('sliding-window', [100, 200, 1_150, 1_050]))).toBe(-1);
    expect(firstBreach(admitAll('sliding-window', [100, 200, 1_050, 900]))).toBe(3);
  });
  it('fixed window: 2L across an edge holds, L + 1 in one aligned window breaks it', () => {
    expect(firstBreach(admitAll('fixed-window', [997, 998, 999, 1_000, 1_001, 1_002]))).toBe(-1);
    expect(firstBreach(admitAll('fixed-window', [1_000, 1_001, 1_002, 1_999]))).toBe(3);
  });
  it('token bucket: B at once then r per unit of time holds; one more breaks it', () => {
    // B = L = 3, r = 3 per 1000: one token per 333.3.
    expect(firstBreach(admitAll('token-bucket', [0, 0, 0, 334, 667, 1_000]))).toBe(-1);
    expect(firstBreach(admitAll('token-bucket', [0, 0, 0, 333]))).toBe(3);
  });
  it('token bucket: credit stops at B however long the user was idle; B + 1 at once after a long idle breaks it', () => {
    // Emptied at 0, idle for 1.5 W: 4.5 tokens' worth of refill, of which the bucket keeps B = 3.
    expect(firstBreach(admitAll('token-bucket', [0, 0, 0, 1_500, 1_500, 1_500]))).toBe(-1);
    expect(firstBreach(admitAll('token-bucket', [0, 0, 0, 1_500, 1_500, 1_500, 1_500]))).toBe(6);
  });
  it('a request of cost n counts n admissions, in every contract', () => {
    const costly = (contract: Parameters<typeof contractMeter>[0], steps: Array<[number, number]>) => {
      const meter = contractMeter(contract);
      return firstBreach(steps.map(([t, cost]) => meter.admit('u', t, limit, cost)));
    };
    for (const contract of ['sliding-window', 'fixed-window', 'token-bucket'] as const) {
      expect(costly(contract, [[0, 2], [10, 1]]), contract).toBe(-1);
      expect(costly(contract, [[0, 2], [10, 2]]), contract).toBe(1);
      expect(contractMeter(contract).conforms('u', 0, limit, 3), contract).toBe(true);
      expect(contractMeter(contract).conforms('u', 0, limit, 4), contract).toBe(false);
    }
  });
  it('leaky bucket: served requests at least W/L apart hold; closer breaks it', () => {
    expect(firstBreach(admitAll('leaky-bucket', [0, 334, 668, 1_002]))).toBe(-1);
    expect(firstBreach(admitAll('leaky-bucket', [0, 334, 667]))).toBe(2);
  });
  it('says whether one more request would have kept the contract', () => {
    const meter = contractMeter('sliding-window');
    for (const t of [0, 10, 20]) meter.admit('u', t, limit);
    expect(meter.conforms('u', 999, limit)).toBe(false);
    expect(meter.conforms('u', 1_000, limit)).toBe(true);
    expect(meter.conforms('someone-else', 5, limit)).toBe(true);
  });
});

const fact = factsOf<LimiterFact | KernelFact>();
const decided = (t: number, allowed: boolean, cause: Decided['cause'] = 'limit', node = 'redis', delay = 0) =>
  fact(t, node, 'decided', { system: '', user: 'u', tier: 'free', request: String(t), allowed, delay, cause });

describe('contract property', () => {
  it('passes a history within the limit and fails the admission that breaks it', () => {
    const ok = contractHolds('sliding-window', tiers);
    expect([0, 1, 2, 1_000].map((t) => ok.observe!(decided(t, true)))).toEqual([undefined, undefined, undefined, undefined]);
    const broken = contractHolds('sliding-window', tiers);
    const breaches = [0, 1, 2, 3].map((t) => broken.observe!(decided(t, true)));
    expect(breaches[3]?.message).toMatch(/4 requests admitted for u in the 1ms window/);
  });
  it('ignores denials', () => {
    const p = contractHolds('sliding-window', tiers);
    expect([0, 1, 2, 3, 4].map((t) => p.observe!(decided(t, t < 3)))).toEqual(Array(5).fill(undefined));
  });
  it('counts a leaky bucket request at the time it is served (t + delay)', () => {
    const p = contractHolds('leaky-bucket', tiers);
    const queued = (t: number, delay: number) => decided(t, true, 'limit', 'redis', delay);
    expect(p.observe!(queued(0, 0))).toBeUndefined();
    expect(p.observe!(queued(1, 333))).toBeUndefined();
    expect(p.observe!(queued(2, 400))).toBeDefined();
  });
});

describe('availability property', () => {
  it('fails at once when the limiter denies a user under its limit', () => {
    const p = availability(tiers);
    p.observe!(decided(0, true));
    expect(p.observe!(decided(10, false))?.message).toMatch(/under its limit/);
  });
  it('accepts denying a user at its limit', () => {
    const p = availability(tiers);
    const results = [0, 1, 2, 3].map((t) => p.observe!(decided(t, t < 3)));
    expect(results).toEqual(Array(4).fill(undefined));
    expect(p.finish!({ t: 10, faultsOverAt: 0 })).toBeUndefined();
  });
  it('with a clock that steps back by up to d, judges "under its limit" over W + d: a denial just past W is honest, one past W + d is not', () => {
    const denyAt = (t: number, stepBack: number) => {
      const p = availability(tiers, { stepBack });
      for (const at of [0, 1, 2]) p.observe!(decided(at, true));
      return p.observe!(decided(t, false));
    };
    expect(denyAt(1_100, 0)?.message).toMatch(/under its limit/);
    expect(denyAt(1_100, 200)).toBeUndefined();
    expect(denyAt(1_300, 200)?.message).toMatch(/under its limit/);
  });
  it('counts fail-closed denials of good requests and reports them at the end', () => {
    const p = availability(tiers);
    expect(p.observe!(decided(0, false, 'fail-closed', 'api-1'))).toBeUndefined();
    expect(p.observe!(decided(1, false, 'fail-closed', 'api-2'))).toBeUndefined();
    expect(p.finish!({ t: 10, faultsOverAt: 0 })?.message).toMatch(/^2 requests under their user's limit were denied by servers failing closed/);
  });
});
