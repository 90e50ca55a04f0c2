import { describe, expect, it } from 'vitest';
import { defineScenario, judge, runScenario, type Scenario } from '../../src/kernel/index.js';
import { buildKafka, type KafkaSystemOptions } from '../../src/designs/kafka/system.js';
import acks1, { acks1System } from '../../scenarios/kafka-acks1-failover.js';
import unclean, { uncleanSystem } from '../../scenarios/kafka-unclean-election.js';
import noLeaderEpoch, { highWatermarkTruncationSystem } from '../../scenarios/kafka-no-leader-epoch.js';
import pageCache, { pageCacheSystem } from '../../scenarios/kafka-page-cache-correlated-crash.js';
import retryDuplicates, { retriesWithoutIdempotenceSystem } from '../../scenarios/kafka-retry-duplicates.js';
import acksAll from '../../scenarios/kafka-acks-all.js';
import commitBefore, { commitBeforeSystem } from '../../scenarios/kafka-commit-before-process.js';
import zombie, { zombieSystem } from '../../scenarios/kafka-zombie-consumer.js';

const seeds = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

/** The same scenario, faults and workload, with the system built from other settings. */
const withSystem = (scenario: Scenario, system: KafkaSystemOptions): Scenario =>
  defineScenario({
    description: `${scenario.description}, fixed`,
    expect: 'safe',
    duration: scenario.duration,
    network: scenario.network,
    faults: scenario.faults,
    faultMix: scenario.faultMix,
    build: (world) => buildKafka(world, system),
  });

/** Each unsafe scenario, the seeds that show its violation, and the one setting that removes it. */
describe.each<[string, Scenario, number, KafkaSystemOptions]>([
  ['kafka-acks1-failover', acks1, 8, { ...acks1System, producer: { ...acks1System.producer, acks: 'all' }, minInsyncReplicas: 2 }],
  ['kafka-unclean-election', unclean, 8, { ...uncleanSystem, uncleanElection: false }],
  ['kafka-no-leader-epoch', noLeaderEpoch, 8, { ...highWatermarkTruncationSystem, truncation: 'leader-epoch' }],
  ['kafka-page-cache-correlated-crash', pageCache, 4, { ...pageCacheSystem, flush: { kind: 'every-message' } }],
  ['kafka-retry-duplicates', retryDuplicates, 4, { ...retriesWithoutIdempotenceSystem, producer: { ...retriesWithoutIdempotenceSystem.producer, idempotent: true, retries: 1000 } }],
  ['kafka-commit-before-process', commitBefore, 4, { ...commitBeforeSystem, group: { ...commitBeforeSystem.group!, commit: { kind: 'after-process' } } }],
  ['kafka-zombie-consumer', zombie, 4, { ...zombieSystem, group: { ...zombieSystem.group!, selfFence: true } }],
])('%s', (_name, scenario, count, fixed) => {
  it('finds its violation over its first seeds, and fails in no other way', () => {
    const verdict = judge(scenario, seeds(count).map((seed) => runScenario(scenario, seed)));
    expect(verdict.matches, verdict.summary).toBe(true);
  });

  it('is safe over the same seeds and faults with the setting that removes the bug', () => {
    const safe = withSystem(scenario, fixed);
    const verdict = judge(safe, seeds(count).map((seed) => runScenario(safe, seed)));
    expect(verdict.matches, verdict.summary).toBe(true);
  });
});

describe('kafka-acks-all', () => {
  it('is safe over its first seeds and prints what its producers got', () => {
    const runs = seeds(10).map((seed) => runScenario(acksAll, seed));
    expect(judge(acksAll, runs).matches).toBe(true);
    expect(runs[0]!.summary).toMatch(/^\d+ records acknowledged, 0 of them lost, \d+ unavailable, \d+ failed; produce latency p50 .+, p99 .+$/);
  });
});
