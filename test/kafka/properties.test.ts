import { describe, expect, it } from 'vitest';
import type { Fact, KernelFact, Property } from '../../src/kernel/index.js';
import type { KafkaFact } from '../../src/designs/kafka/facts.js';
import { leaderEpochs, noAckedLoss, noDuplicates, producerOrder, replicaConsistency } from '../../src/designs/kafka/properties.js';

type F = KafkaFact | KernelFact;
let t = 0;
const fact = (node: string, kind: F['kind'], data: object): Fact<F> => ({ t: ++t, node, kind, data }) as Fact<F>;
const append = (node: string, from: number, records: Array<[string, string, number]>) =>
  fact(node, 'log-append', { partition: 0, from, ids: records.map((r) => r[0]), producers: records.map((r) => r[1]), seqs: records.map((r) => r[2]) });
const hw = (node: string, epoch: number, to: number) => fact(node, 'hw-advanced', { partition: 0, epoch, hw: to });
const leader = (node: string, epoch: number) => fact(node, 'became-partition-leader', { partition: 0, epoch });

/** The first breach a property reports over a history, if any. */
function judge(property: Property<F>, history: Array<Fact<F>>): string | undefined {
  for (const f of history) {
    if (property.watches && !property.watches.includes(f.kind)) continue;
    const breach = property.observe?.(f);
    if (breach) return breach.message;
  }
  return undefined;
}

const a0: [string, string, number] = ['p/0', 'p', 0];
const a1: [string, string, number] = ['p/1', 'p', 1];
const b0: [string, string, number] = ['q/0', 'q', 0];

describe('order', () => {
  it('holds when one producer\'s records are committed in the order produced', () => {
    expect(judge(producerOrder(), [leader('b1', 1), append('b1', 0, [a0, b0, a1]), hw('b1', 1, 3)])).toBeUndefined();
  });
  it('fails when a later record of a producer is committed before an earlier one', () => {
    expect(judge(producerOrder(), [leader('b1', 1), append('b1', 0, [a1, a0]), hw('b1', 1, 2)])).toMatch(/p\/0 was committed at offset 1, after p\/1/);
  });
});

describe('no-duplicates', () => {
  it('fails when a record is committed twice', () => {
    expect(judge(noDuplicates(), [append('b1', 0, [a0, a0]), hw('b1', 1, 2)])).toMatch(/p\/0 is committed twice/);
    expect(judge(noDuplicates(), [append('b1', 0, [a0, a1]), hw('b1', 1, 2)])).toBeUndefined();
  });
});

describe('replica-consistency', () => {
  const committed = [leader('b1', 1), append('b1', 0, [a0, a1]), append('b2', 0, [a0, a1]), hw('b1', 1, 2)];
  it('holds when a new leader holds every committed record', () => {
    expect(judge(replicaConsistency(), [...committed, leader('b2', 2)])).toBeUndefined();
  });
  it('fails when a new leader lacks a committed record (truncated below the high watermark)', () => {
    expect(judge(replicaConsistency(), [...committed, fact('b2', 'log-truncate', { partition: 0, to: 1, reason: 'high-watermark' }), leader('b2', 2)])).toMatch(/committed record p\/1 is lost/);
  });
  it('fails when a leader advances its high watermark over a record other than the committed one', () => {
    expect(judge(replicaConsistency(), [...committed, append('b3', 0, [a0, b0]), hw('b3', 3, 2)])).toMatch(/diverged below the high watermark/);
  });
  it('does not count a deposed leader hearing late of an epoch already superseded', () => {
    const superseded = fact('controller', 'partition-changed', { partition: 0, epoch: 3, leader: 'b2', isr: ['b2'], unclean: false });
    expect(judge(replicaConsistency(), [...committed, append('b3', 0, [a0]), superseded, leader('b3', 2)])).toBeUndefined();
  });
});

describe('no-acked-loss', () => {
  const acked = fact('p', 'produce-acked', { producer: 'p', partition: 0, id: 'p/1', offset: 1, acks: 1 });
  it('holds when every later leader has the acknowledged record', () => {
    expect(judge(noAckedLoss(), [leader('b1', 1), append('b1', 0, [a0, a1]), acked, append('b2', 0, [a0, a1]), leader('b2', 2)])).toBeUndefined();
  });
  it('fails when a leader takes over without it', () => {
    expect(judge(noAckedLoss(), [leader('b1', 1), append('b1', 0, [a0, a1]), acked, append('b2', 0, [a0]), leader('b2', 2)])).toMatch(/p\/1, acknowledged to p \(acks=1\) at offset 1 .* is not in the log of b2/);
  });
});

describe('leader-epochs', () => {
  const changed = (controller: string, epoch: number, leader: string) => fact(controller, 'partition-changed', { partition: 0, epoch, leader, isr: [leader], unclean: false });
  it('holds when every controller applies the same leader for an epoch, again after a restart, and that broker takes over', () => {
    const history = [changed('c1', 1, 'b1'), changed('c2', 1, 'b1'), leader('b1', 1), changed('c1', 2, 'b2'), changed('c3', 1, 'b1'), leader('b2', 2)];
    expect(judge(leaderEpochs(), history)).toBeUndefined();
  });
  it('fails when two controllers applied different leaders for one epoch', () => {
    expect(judge(leaderEpochs(), [changed('c1', 2, 'b1'), changed('c2', 2, 'b2')])).toMatch(/epoch 2 of partition 0 names b2 \(c2\), but c1 had it name b1/);
  });
  it('fails when a broker takes over in an epoch the controllers gave another', () => {
    expect(judge(leaderEpochs(), [changed('c1', 2, ''), leader('b3', 2)])).toMatch(/names b3 \(b3\), but c1 had it name no leader/);
  });
});
