import { describe, expect, it } from 'vitest';
import { defineScenario, judge, minutes, runScenario, seconds, type Scenario } from '../../src/kernel/index.js';
import { limiterScenario, SEED_SCRIPT_PRECISION, STORE_TIMEOUT, storeClockBackAndForth } from '../../src/designs/rate-limiter/system.js';
import type { AlgorithmName, BackwardClock } from '../../src/designs/rate-limiter/algorithms.js';
import type { LimiterFact } from '../../src/designs/rate-limiter/facts.js';
import fixedWindowEdge from '../../scenarios/ratelimit-fixed-window-edge.js';
import readThenWrite from '../../scenarios/ratelimit-read-then-write.js';
import seedScriptSkew from '../../scenarios/ratelimit-seed-script-skew.js';
import seedScriptRepeatedRandom from '../../scenarios/ratelimit-seed-script-repeated-random.js';
import localCounters from '../../scenarios/ratelimit-local-counters.js';
import failOpen from '../../scenarios/ratelimit-fail-open.js';
import failClosed from '../../scenarios/ratelimit-fail-closed.js';
import failoverLag from '../../scenarios/ratelimit-failover-lag.js';
import slidingLogAtomic from '../../scenarios/ratelimit-sliding-log-atomic.js';
import tokenBucket from '../../scenarios/ratelimit-token-bucket.js';
import tokenBucketFollow from '../../scenarios/ratelimit-token-bucket-follow.js';
import gcra from '../../scenarios/ratelimit-gcra.js';

const scenarios: Record<string, Scenario> = {
  'ratelimit-fixed-window-edge': fixedWindowEdge,
  'ratelimit-read-then-write': readThenWrite,
  'ratelimit-seed-script-skew': seedScriptSkew,
  'ratelimit-seed-script-repeated-random': seedScriptRepeatedRandom,
  'ratelimit-local-counters': localCounters,
  'ratelimit-fail-open': failOpen,
  'ratelimit-fail-closed': failClosed,
  'ratelimit-failover-lag': failoverLag,
  'ratelimit-sliding-log-atomic': slidingLogAtomic,
  'ratelimit-token-bucket': tokenBucket,
  'ratelimit-token-bucket-follow': tokenBucketFollow,
  'ratelimit-gcra': gcra,
};

describe.each(Object.entries(scenarios))('%s', (_name, scenario) => {
  it(`is judged as expected (${scenario.expect === 'safe' ? 'safe' : `violates ${scenario.expect.violates}`}) over its ${scenario.seeds} seeds, on decisions its properties were handed`, () => {
    const results = Array.from({ length: scenario.seeds }, (_, i) => runScenario(scenario, i + 1));
    const verdict = judge(scenario, results);
    expect(verdict.matches, verdict.summary).toBe(true);
    const unseen = results.flatMap((r) => Object.entries(r.factsSeen).filter(([, seen]) => seen === 0).map(([property]) => `seed ${r.seed}: ${property}`));
    expect(unseen, 'properties that judged no decision').toEqual([]);
  });
});

describe('the seed script without its two faults', () => {
  /** The repeated-random scenario's traffic and script, with perfect clocks and Redis 7's continuing random numbers. */
  const control = (slack: number) =>
    defineScenario({
      description: 'the seed script, Redis 7 random, perfect clocks',
      expect: slack > 0 ? 'safe' : { violates: 'sliding-window-limit' },
      seeds: 3,
      ...limiterScenario({
        algorithm: 'sliding-log', servers: 4, users: 10, trafficFor: minutes(2),
        kinds: { steady: 0.3, spread: 0.35, 'window-edge': 0.35 },
        deployment: { kind: 'seed-script', timeout: STORE_TIMEOUT, onStoreDown: 'closed' },
        store: { scriptRandom: 'continuing' },
        judge: ['sliding-window'],
        slack,
      }),
      exempt: { '*': 'a control run without faults: it isolates the script\'s timestamp precision' },
    });
  const verdictOf = (scenario: Scenario) => judge(scenario, [1, 2, 3].map((seed) => runScenario(scenario, seed)));

  it('keeps the limit to its timestamps\' precision: skew and repetition are what break it in the scenarios', () => {
    const verdict = verdictOf(control(SEED_SCRIPT_PRECISION));
    expect(verdict.matches, verdict.summary).toBe(true);
  });
  it('still lets one request too many into a true window: its timestamps are a millisecond clock one hop before the decision', () => {
    const verdict = verdictOf(control(0));
    expect(verdict.matches, verdict.summary).toBe(true);
    expect(verdict.shown?.violation?.message).toMatch(/^101 requests|^1001 requests/);
  });
});

describe('a store clock stepped back and then corrected forward (storeClockBackAndForth)', () => {
  /** The token-bucket scenarios' traffic and store script under the back-and-forth faults, judged on B + r·T. */
  const corrected = (algorithm: AlgorithmName, onBackwardClock?: BackwardClock) =>
    defineScenario({
      description: `${algorithm} ${onBackwardClock ?? ''}, store clock stepped back and corrected`,
      expect: { violates: 'token-bucket-limit' },
      seeds: 6,
      ...limiterScenario({
        algorithm, onBackwardClock, servers: 4, users: 24, trafficFor: minutes(3.5),
        kinds: { steady: 0.4, bursty: 0.3, 'window-edge': 0.15, spread: 0.15 },
        deployment: { kind: 'store-script', timeout: STORE_TIMEOUT, onStoreDown: 'closed' },
        judge: ['token-bucket'],
      }),
      faults: storeClockBackAndForth,
    });
  // The correction is a forward step, which storeScriptFaults leaves out: keys written while the clock was
  // behind expire early (a bucket forgotten is a full bucket), and `follow` also refills its back-dated stretch again.
  it.each([['token-bucket', 'keep-later'], ['token-bucket', 'follow'], ['gcra', undefined]] as const)('%s (%s) admits more than B + r·T: the design needs a clock that never steps forward', (algorithm, onBackwardClock) => {
    const scenario = corrected(algorithm, onBackwardClock);
    const verdict = judge(scenario, Array.from({ length: scenario.seeds }, (_, i) => runScenario(scenario, i + 1)));
    expect(verdict.matches, verdict.summary).toBe(true);
  });
});

describe('request cost through the store script (a scripted story)', () => {
  /** GCRA, free tier (100 per minute, burst 100): u0 asks for 100 units at 1 s, 1 unit 100 ms later, 101 units at 30 s, 29 at 31 s. */
  const costly = defineScenario({
    description: 'requests of cost n through the GCRA store script',
    expect: 'safe',
    seeds: 1,
    ...limiterScenario({
      algorithm: 'gcra', servers: 1, users: 1, trafficFor: seconds(40), kinds: { steady: 1 },
      deployment: { kind: 'store-script', timeout: STORE_TIMEOUT, onStoreDown: 'closed' },
      judge: ['token-bucket', 'availability'],
      script: [
        { client: 'clients', at: seconds(1), kind: 'requests', user: 'u0', count: 1, cost: 100 },
        { client: 'clients', at: seconds(1.1), kind: 'requests', user: 'u0', count: 1 },
        { client: 'clients', at: seconds(30), kind: 'requests', user: 'u0', count: 1, cost: 101 },
        { client: 'clients', at: seconds(31), kind: 'requests', user: 'u0', count: 1, cost: 29 },
      ],
    }),
  });
  it('admits n units at once, refuses the next unit, refuses a cost above the burst even after refilling, and records the cost in the fact', () => {
    const result = runScenario(costly, 1, { trace: true });
    expect(result.violation).toBeUndefined();
    const decided = result.trace!.flatMap((e) => (e.kind === 'fact' && e.fact === 'decided' ? [e.data as Extract<LimiterFact, { kind: 'decided' }>['data']] : []));
    expect(decided.map((d) => [d.allowed, d.cost])).toEqual([[true, 100], [false, undefined], [false, 101], [true, 29]]);
  });
});
