import { describe, expect, it } from 'vitest';
import { defineScenario, judge, minutes, runScenario, type Scenario } from '../../src/kernel/index.js';
import { limiterScenario, SEED_SCRIPT_PRECISION, STORE_TIMEOUT } from '../../src/designs/rate-limiter/system.js';
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
      exempt: { '*': 'a control without faults: it shows what the script does with perfect clocks' },
      ...limiterScenario({
        algorithm: 'sliding-log', servers: 4, users: 10, trafficFor: minutes(2),
        kinds: { steady: 0.3, spread: 0.35, 'window-edge': 0.35 },
        deployment: { kind: 'seed-script', timeout: STORE_TIMEOUT, onStoreDown: 'closed' },
        store: { scriptRandom: 'continuing' },
        judge: ['sliding-window'],
        slack,
      }),
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
