import { describe, expect, it } from 'vitest';
import { ConfigError, ms, seconds, Simulation, type Fact, type Fault } from '../../src/kernel/index.js';
import type { KafkaFact } from '../../src/designs/kafka/facts.js';
import type { ProduceStep } from '../../src/designs/kafka/producer.js';
import { TrueLogs } from '../../src/designs/kafka/properties.js';
import { baseSystem, buildKafka, CONTROLLERS, type KafkaSystemOptions } from '../../src/designs/kafka/system.js';

type Seen = Fact<KafkaFact>;

/**
 * Records `count` records from producer-1, one every 20 ms from 500 ms: by then the
 * controller quorum has elected its active controller and the partition its leader
 * (about 0.35 s into a calm run).
 */
const script = (count: number, partition = 0): ProduceStep[] => Array.from({ length: count }, (_, i) => ({ client: 'producer-1', at: ms(500 + 20 * i), kind: 'produce' as const, partition }));

/** Runs the system with a scripted workload and faults; returns every Kafka fact, the probes hit, and the violation if any. */
function run(options: Partial<KafkaSystemOptions>, steps: ProduceStep[], faults: Fault[], duration = seconds(3), network: { duplicate?: number } = {}) {
  const sim = new Simulation({ seed: 1, network: { latency: { min: ms(1), max: ms(3) }, ...network } });
  const facts: Seen[] = [];
  sim.property({ name: 'recorder', observe: (fact) => void facts.push(fact as Seen) });
  buildKafka(sim, { ...baseSystem(duration), producers: 1, ...options, workload: { script: steps }, duration });
  sim.schedule(faults);
  const result = sim.run(duration);
  const of = <K extends KafkaFact['kind']>(kind: K) => facts.filter((f): f is Extract<Seen, { kind: K }> => f.kind === kind);
  return { facts, of, probes: result.probes, violation: result.violation };
}

describe('the high watermark', () => {
  it('advances to every record once all in-sync replicas fetched it, and each acks=all write is acknowledged after that', () => {
    const { of } = run({}, script(10), []);
    const acked = of('produce-acked');
    expect(acked.map((f) => f.data.offset)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const hw = of('hw-advanced');
    expect(hw.at(-1)!.data.hw).toBe(10);
    for (const ack of acked) {
      const committed = hw.find((f) => f.data.hw > ack.data.offset)!;
      expect(committed.t).toBeLessThanOrEqual(ack.t);
    }
  });

  it('refuses acks=all writes while the ISR is smaller than min.insync.replicas', () => {
    const { of } = run({ producer: { acks: 'all', retries: 0, maxInFlight: 1, idempotent: false } }, script(5, 0).map((s) => ({ ...s, at: s.at! + seconds(1) })), [
      { at: ms(50), kind: 'crash', node: 'broker-2' },
      { at: ms(50), kind: 'crash', node: 'broker-3' },
    ]);
    expect(of('produce-acked')).toEqual([]);
    expect(of('produce-failed')).toHaveLength(5);
  });
});

describe('the ISR', () => {
  it('shrinks when a follower has not caught up for replica.lag.time.max.ms, and takes it back once it has', () => {
    const { of, probes } = run({}, script(60), [{ at: ms(800), kind: 'pause', node: 'broker-3', duration: seconds(1) }]);
    const isrs = of('partition-changed').map((f) => f.data.isr.slice().sort().join(' '));
    expect(isrs).toContain('broker-1 broker-2');
    expect(isrs.at(-1)).toBe('broker-1 broker-2 broker-3');
    expect(probes['ISR shrank']).toBeGreaterThan(0);
    expect(probes['ISR expanded']).toBeGreaterThan(0);
  });
});

describe('leader epochs (KIP-101)', () => {
  // broker-3 leads (with seed 1 it registers first); cut off from the controller quorum and the
  // other brokers, it goes on taking acks=1 writes from producer-1 while another is elected.
  const zombie: Fault[] = [{ at: ms(700), kind: 'partition', groups: [['broker-3', 'producer-1'], [...CONTROLLERS, 'broker-1', 'broker-2']], duration: ms(800) }];
  const acks1 = { producer: { acks: 1 as const, retries: 10, maxInFlight: 1, idempotent: false }, minInsyncReplicas: 1, ackedLossAccepted: true };

  it('a deposed leader truncates what it appended after the new epoch began, and the replicas agree again', () => {
    const { facts, of, probes, violation } = run(acks1, script(60), zombie);
    expect(violation).toBeUndefined();
    expect(probes['follower truncated by leader epoch']).toBeGreaterThan(0);
    expect(of('became-partition-leader').map((f) => f.node)).toEqual(['broker-3', 'broker-1']);
    const truncations = of('log-truncate').filter((f) => f.node === 'broker-3');
    expect(truncations.map((f) => f.data.reason)).toContain('leader-epoch');
    const logs = new TrueLogs();
    for (const f of facts) logs.apply(f);
    // What the deposed leader alone appended (acknowledged with acks=1) is gone: the loss acks=1 accepts.
    const zombieOnly = of('log-append').filter((f) => f.node === 'broker-3' && f.t > ms(700) && f.t < ms(1500)).flatMap((f) => f.data.ids);
    expect(zombieOnly.length).toBeGreaterThan(0);
    for (const id of zombieOnly) expect(logs.of('broker-1', 0).map((r) => r.id)).not.toContain(id);
    expect(logs.of('broker-3', 0)).toEqual(logs.of('broker-1', 0));
    expect(logs.of('broker-2', 0)).toEqual(logs.of('broker-1', 0));
  });
});

describe('the idempotent producer', () => {
  // The network duplicates a third of all messages: every duplicated produce request is a retry the broker must recognise.
  const duplicating = { duplicate: 0.3 };
  const producer = (idempotent: boolean) => ({ producer: { acks: 'all' as const, retries: 10, maxInFlight: 5, idempotent } });

  it('de-duplicates a produce request the broker has already appended, answering with its first offset', () => {
    const { of, probes, violation } = run(producer(true), script(40), [], seconds(3), duplicating);
    expect(violation).toBeUndefined();
    expect(probes['duplicate produce deduplicated']).toBeGreaterThan(0);
    const ids = of('log-append').filter((f) => f.node === 'broker-3').flatMap((f) => f.data.ids);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('without idempotence, the same duplicated requests are appended twice: no-duplicates fails', () => {
    const { violation } = run(producer(false), script(40), [], seconds(3), duplicating);
    expect(violation?.property).toBe('no-duplicates');
  });
});

describe('the system', () => {
  it('refuses a script naming a producer or partition it does not have, or a time beyond the run', () => {
    const sim = () => new Simulation({ seed: 1 });
    const base = { ...baseSystem(seconds(1)), producers: 1 };
    expect(() => buildKafka(sim(), { ...base, workload: { script: [{ client: 'producer-9', at: 0, kind: 'produce', partition: 0 }] } })).toThrow(new ConfigError("kafka script, step 1: no client 'producer-9' (clients: producer-1)"));
    expect(() => buildKafka(sim(), { ...base, workload: { script: [{ client: 'producer-1', at: 0, kind: 'produce', partition: 3 }] } })).toThrow('kafka script, step 1: no partition 3; partitions are 0 to 0');
    expect(() => buildKafka(sim(), { ...base, workload: { script: [{ client: 'producer-1', at: seconds(2), kind: 'produce', partition: 0 }] } })).toThrow(/kafka script, step 1: "at" must be a true time within the run/);
    expect(() => buildKafka(sim(), { ...base, minInsyncReplicas: 4 })).toThrow(/minInsyncReplicas/);
  });
});
