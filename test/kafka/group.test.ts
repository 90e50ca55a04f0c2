import { describe, expect, it } from 'vitest';
import { ms, seconds, Simulation, type Fact, type Fault } from '../../src/kernel/index.js';
import type { KafkaFact } from '../../src/designs/kafka/facts.js';
import { assign } from '../../src/designs/kafka/group.js';
import { baseSystem, buildKafka, type KafkaSystemOptions } from '../../src/designs/kafka/system.js';

describe('partition assignment', () => {
  it('range gives each member a contiguous run of partitions; round-robin deals them out in turn', () => {
    expect(assign(['c2', 'c1'], 5, 'range')).toEqual(new Map([['c1', [0, 1, 2]], ['c2', [3, 4]]]));
    expect(assign(['c2', 'c1'], 5, 'round-robin')).toEqual(new Map([['c1', [0, 2, 4]], ['c2', [1, 3]]]));
    expect(assign(['c1', 'c2', 'c3'], 2, 'range').get('c3')).toEqual([]);
  });
});

type Seen = Fact<KafkaFact>;

function runGroup(group: Partial<NonNullable<KafkaSystemOptions['group']>>, faults: Fault[]) {
  const duration = seconds(4);
  const sim = new Simulation({ seed: 1, network: { latency: { min: ms(1), max: ms(3) } } });
  const facts: Seen[] = [];
  sim.property({ name: 'recorder', observe: (fact) => void facts.push(fact as Seen) });
  buildKafka(sim, {
    ...baseSystem(duration),
    partitions: 2,
    group: { consumers: 2, assignor: 'range', commit: { kind: 'after-process' }, selfFence: true, processTime: ms(5), ...group },
  });
  sim.schedule(faults);
  const result = sim.run(duration);
  const starts = (consumer: string) => facts.filter((f) => f.kind === 'partition-start' && f.node === consumer).map((f) => (f.data as { partition: number }).partition);
  return { facts, starts, probes: result.probes, violation: result.violation };
}

describe('the consumer group', () => {
  it('splits the partitions between its members, and gives a leaving member\'s partitions to the other', () => {
    const { starts, probes, violation } = runGroup({ leaves: { 'consumer-2': seconds(2) } }, []);
    expect(violation).toBeUndefined();
    expect(starts('consumer-2')).toEqual([1]);
    expect(starts('consumer-1')).toContain(1); // after the leave
    expect(probes['group rebalanced (member left)']).toBe(1);
  });

  it('rebalances when a member crashes and its session times out; every committed record was processed', () => {
    const { starts, probes, violation } = runGroup({}, [{ at: seconds(1.5), kind: 'crash', node: 'consumer-1' }]);
    expect(violation).toBeUndefined();
    expect(probes['group rebalanced (session timeout)']).toBe(1);
    expect(starts('consumer-2')).toEqual(expect.arrayContaining([0, 1]));
  });

  it('a paused consumer whose session lapsed stops before acting; without that, it processes a partition that moved on', () => {
    // At 1.686 s consumer-1 is in the middle of a fetched batch (found by trying times 3 ms apart).
    const pause: Fault[] = [{ at: seconds(1.5) + ms(186), kind: 'pause', node: 'consumer-1', duration: seconds(1) }];
    expect(runGroup({ selfFence: true }, pause).violation).toBeUndefined();
    expect(runGroup({ selfFence: false }, pause).violation?.property).toBe('exclusive-assignment');
  });

  it('committing before processing skips the record a crash interrupts; committing after processing does not', () => {
    // consumer-1 crashes 20 ms into processing time, with its offset already committed.
    const crashes: Fault[] = Array.from({ length: 6 }, (_, i) => ({ at: seconds(1) + i * ms(250) + ms(3), kind: 'crash', node: 'consumer-1', restartAfter: ms(100) }));
    expect(runGroup({ commit: { kind: 'before-process' }, processTime: ms(40) }, crashes).violation?.property).toBe('delivery');
    expect(runGroup({ commit: { kind: 'after-process' }, processTime: ms(40) }, crashes).violation).toBeUndefined();
  });

  it('auto-commit on an interval commits positions already processed: crashes reprocess, never skip', () => {
    const crashes: Fault[] = Array.from({ length: 4 }, (_, i) => ({ at: seconds(1) + i * ms(400), kind: 'crash', node: 'consumer-1', restartAfter: ms(100) }));
    const { facts, violation } = runGroup({ commit: { kind: 'auto', every: ms(150) } }, crashes);
    expect(violation).toBeUndefined();
    expect(facts.filter((f) => f.kind === 'offset-committed').length).toBeGreaterThan(0);
  });
});
