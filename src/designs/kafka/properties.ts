import { formatTime, type Fact, type KernelFact, type Micros, type Property } from '../../kernel/index.js';
import type { Acks, KafkaFact } from './facts.js';

type F = KafkaFact | KernelFact;

/** One record as a replica's log holds it, for the checkers. */
export interface TrueRecord {
  id: string;
  producer: string;
  seq: number;
}

/**
 * Every broker's true log per partition, from the facts of its storage: appends,
 * truncations and what a restart read back from disk. The checkers read replicas'
 * logs from here, never from a broker's beliefs.
 */
export class TrueLogs {
  static readonly watches = ['log-append', 'log-truncate', 'log-recovered'] as const;
  private readonly logs = new Map<string, TrueRecord[]>();

  of(broker: string, partition: number): TrueRecord[] {
    const key = `${broker}#${partition}`;
    let log = this.logs.get(key);
    if (log === undefined) this.logs.set(key, (log = []));
    return log;
  }

  /** Applies a storage fact; returns the records an append wrote, with their offsets. */
  apply(fact: Fact<F>): Array<{ offset: number; record: TrueRecord }> {
    switch (fact.kind) {
      case 'log-append': {
        const log = this.of(fact.node, fact.data.partition);
        log.length = fact.data.from;
        const added = fact.data.ids.map((id, i) => ({ offset: fact.data.from + i, record: { id, producer: fact.data.producers[i]!, seq: fact.data.seqs[i]! } }));
        for (const { record } of added) log.push(record);
        return added;
      }
      case 'log-truncate':
        this.of(fact.node, fact.data.partition).length = fact.data.to;
        return [];
      case 'log-recovered': {
        const log = this.of(fact.node, fact.data.partition);
        log.length = 0;
        const added = fact.data.ids.map((id, i) => ({ offset: i, record: { id, producer: fact.data.producers[i]!, seq: fact.data.seqs[i]! } }));
        for (const { record } of added) log.push(record);
        return added;
      }
      default:
        return [];
    }
  }
}

/**
 * The committed prefix of each partition: what the leader's log held below the high
 * watermark each time it advanced it (Kafka: "a message is considered committed when
 * all in-sync replicas for that partition have applied it to their log").
 */
class Committed {
  static readonly watches = [...TrueLogs.watches, 'hw-advanced'] as const;
  readonly logs = new TrueLogs();
  private readonly prefix = new Map<number, TrueRecord[]>();

  of(partition: number): TrueRecord[] {
    let c = this.prefix.get(partition);
    if (c === undefined) this.prefix.set(partition, (c = []));
    return c;
  }

  /** Records newly committed by this fact (a high watermark advancing past them). */
  newlyCommitted(fact: Fact<F>): Array<{ offset: number; record: TrueRecord }> {
    if (fact.kind !== 'hw-advanced') return [];
    const committed = this.of(fact.data.partition);
    const log = this.logs.of(fact.node, fact.data.partition);
    const added: Array<{ offset: number; record: TrueRecord }> = [];
    for (let o = committed.length; o < fact.data.hw && o < log.length; o++) {
      committed.push(log[o]!);
      added.push({ offset: o, record: log[o]! });
    }
    return added;
  }
}

/**
 * no-acked-loss: every record acknowledged to a producer (acks=1 or all: with an
 * offset) is in the log of every later leader of its partition, at that offset. A
 * leader elected without it has lost it for good: the other replicas will truncate
 * to the leader's log. Judged when a broker becomes leader and when an
 * acknowledgement arrives (the leader then must hold it). A partition with no
 * leader at the end is unavailable, not judged lossy.
 */
export function noAckedLoss(): Property<F> {
  const logs = new TrueLogs();
  const acked = new Map<number, Map<number, { id: string; producer: string; acks: Acks }>>();
  const leaders = new Map<number, { broker: string; epoch: number }>();
  const latest = new Map<number, number>();
  const check = (partition: number, only?: number) => {
    const leader = leaders.get(partition);
    if (leader === undefined) return undefined;
    const log = logs.of(leader.broker, partition);
    const records = acked.get(partition) ?? new Map();
    for (const [offset, record] of only === undefined ? records : [[only, records.get(only)!] as const]) {
      if (log[offset]?.id !== record.id) {
        return {
          message: `record ${record.id}, acknowledged to ${record.producer} (acks=${record.acks}) at offset ${offset} of partition ${partition}, is not in the log of ${leader.broker}, its leader in epoch ${leader.epoch} (${log[offset] ? `which has ${log[offset]!.id} there` : `whose log ends at ${log.length}`}): the write is lost`,
          nodes: [leader.broker, record.producer],
        };
      }
    }
    return undefined;
  };
  return {
    name: 'no-acked-loss',
    watches: [...TrueLogs.watches, 'produce-acked', 'became-partition-leader', 'partition-changed', 'crash'],
    observe(fact) {
      logs.apply(fact);
      if (fact.kind === 'partition-changed') {
        // The controller moved on: the old leader is deposed (its successor takes over when it hears).
        const leader = leaders.get(fact.data.partition);
        if (leader !== undefined && leader.epoch < fact.data.epoch) leaders.delete(fact.data.partition);
        latest.set(fact.data.partition, Math.max(latest.get(fact.data.partition) ?? 0, fact.data.epoch));
      }
      if (fact.kind === 'produce-acked') {
        let records = acked.get(fact.data.partition);
        if (records === undefined) acked.set(fact.data.partition, (records = new Map()));
        records.set(fact.data.offset, { id: fact.data.id, producer: fact.data.producer, acks: fact.data.acks });
        return check(fact.data.partition, fact.data.offset);
      }
      if (fact.kind === 'became-partition-leader') {
        if (fact.data.epoch < (latest.get(fact.data.partition) ?? 0)) return undefined; // heard of a leadership already superseded
        leaders.set(fact.data.partition, { broker: fact.node, epoch: fact.data.epoch });
        return check(fact.data.partition);
      }
      if (fact.kind === 'crash') {
        for (const [partition, leader] of leaders) if (leader.broker === fact.node) leaders.delete(partition);
      }
      return undefined;
    },
  };
}

/**
 * replica-consistency: replicas never diverge below the high watermark (a leader
 * never advances its high watermark over a record other than the one committed at
 * that offset), and a new leader holds every committed record (truncation never
 * removed one it then lacks: the KIP-101 cases). A deposed leader that has not yet
 * heard of its successor may append past its own high watermark: that is not
 * divergence below it, and it truncates those records when it follows again.
 */
export function replicaConsistency(): Property<F> {
  const committed = new Committed();
  const latest = new Map<number, number>();
  /** Per broker and partition: offsets below this were already checked against the committed prefix. */
  const checked = new Map<string, number>();
  const lower = (broker: string, partition: number, to: number) => {
    const key = `${broker}#${partition}`;
    if ((checked.get(key) ?? 0) > to) checked.set(key, to);
  };
  const diverged = (broker: string, partition: number, upTo: number) => {
    const prefix = committed.of(partition);
    const log = committed.logs.of(broker, partition);
    const key = `${broker}#${partition}`;
    for (let o = checked.get(key) ?? 0; o < Math.min(upTo, prefix.length, log.length); o++) {
      if (log[o]!.id !== prefix[o]!.id) return { offset: o, has: log[o]!.id, committed: prefix[o]!.id };
    }
    checked.set(key, Math.max(checked.get(key) ?? 0, Math.min(upTo, prefix.length, log.length)));
    return undefined;
  };
  return {
    name: 'replica-consistency',
    watches: [...Committed.watches, 'became-partition-leader', 'partition-changed'],
    observe(fact) {
      committed.logs.apply(fact);
      if (fact.kind === 'partition-changed') latest.set(fact.data.partition, Math.max(latest.get(fact.data.partition) ?? 0, fact.data.epoch));
      if (fact.kind === 'log-append') lower(fact.node, fact.data.partition, fact.data.from);
      if (fact.kind === 'log-truncate') lower(fact.node, fact.data.partition, fact.data.to);
      if (fact.kind === 'log-recovered') lower(fact.node, fact.data.partition, 0);
      if (fact.kind === 'hw-advanced') {
        const bad = diverged(fact.node, fact.data.partition, fact.data.hw);
        if (bad) {
          return {
            message: `${fact.node} advanced the high watermark of partition ${fact.data.partition} to ${fact.data.hw} (epoch ${fact.data.epoch}) over ${bad.has} at offset ${bad.offset}, where ${bad.committed} was committed: the replicas diverged below the high watermark`,
            nodes: [fact.node],
          };
        }
        committed.newlyCommitted(fact);
      }
      // A broker that hears of its leadership after the controller moved on leads nobody: its followers fetch from the newer leader.
      if (fact.kind === 'became-partition-leader' && fact.data.epoch >= (latest.get(fact.data.partition) ?? 0)) {
        const prefix = committed.of(fact.data.partition);
        const log = committed.logs.of(fact.node, fact.data.partition);
        const bad = diverged(fact.node, fact.data.partition, prefix.length);
        if (bad || log.length < prefix.length) {
          const offset = bad?.offset ?? log.length;
          return {
            message: `${fact.node} became leader of partition ${fact.data.partition} (epoch ${fact.data.epoch}) ${bad ? `holding ${bad.has} at offset ${offset}` : `with a log ending at ${log.length}`}, below the ${prefix.length} committed records: committed record ${prefix[offset]!.id} is lost`,
            nodes: [fact.node],
          };
        }
      }
      return undefined;
    },
  };
}

/**
 * leader-epochs: a partition's leader epoch names one leader, ever. Judged from every
 * controller's applied changes and every broker's takeover: two controllers applying
 * different leaders for one epoch (the metadata log diverged), or a broker leading in
 * an epoch the controllers gave another, would be two leaders accepting writes under
 * one epoch, which leader-epoch truncation (KIP-101) cannot tell apart.
 */
export function leaderEpochs(): Property<F> {
  const named = new Map<string, { leader: string; node: string; t: Micros }>();
  const check = (partition: number, epoch: number, leader: string, node: string, t: Micros) => {
    const key = `${partition}#${epoch}`;
    const first = named.get(key);
    if (first === undefined) {
      named.set(key, { leader, node, t });
      return undefined;
    }
    if (first.leader === leader) return undefined;
    const who = (l: string) => (l === '' ? 'no leader' : l);
    return {
      message: `epoch ${epoch} of partition ${partition} names ${who(leader)} (${node}), but ${first.node} had it name ${who(first.leader)} at ${formatTime(first.t)}: one leader epoch, two leaders`,
      nodes: [...new Set([first.node, node])],
    };
  };
  return {
    name: 'leader-epochs',
    watches: ['partition-changed', 'became-partition-leader'],
    observe(fact) {
      if (fact.kind === 'partition-changed') return check(fact.data.partition, fact.data.epoch, fact.data.leader, fact.node, fact.t);
      if (fact.kind === 'became-partition-leader') return check(fact.data.partition, fact.data.epoch, fact.node, fact.node, fact.t);
      return undefined;
    },
  };
}

/** order: per partition, the committed records of one producer are in the order it produced them. */
export function producerOrder(): Property<F> {
  const committed = new Committed();
  const last = new Map<string, TrueRecord>();
  return {
    name: 'order',
    watches: Committed.watches,
    observe(fact) {
      committed.logs.apply(fact);
      for (const { offset, record } of committed.newlyCommitted(fact)) {
        const key = `${record.producer}#${(fact.data as { partition: number }).partition}`;
        const before = last.get(key);
        if (before !== undefined && record.seq < before.seq) {
          return { message: `${record.id} was committed at offset ${offset}, after ${before.id}, which ${record.producer} produced later: records are out of the order produced`, nodes: [record.producer, fact.node] };
        }
        if (before === undefined || record.seq > before.seq) last.set(key, record);
      }
      return undefined;
    },
  };
}

/** no-duplicates: no record is committed twice in a partition. */
export function noDuplicates(): Property<F> {
  const committed = new Committed();
  const seen = new Map<string, number>();
  return {
    name: 'no-duplicates',
    watches: Committed.watches,
    observe(fact) {
      committed.logs.apply(fact);
      for (const { offset, record } of committed.newlyCommitted(fact)) {
        const key = `${(fact.data as { partition: number }).partition}#${record.id}`;
        const first = seen.get(key);
        if (first !== undefined) {
          return { message: `${record.id} is committed twice in partition ${(fact.data as { partition: number }).partition}, at offsets ${first} and ${offset}: a retry was appended again`, nodes: [record.producer, fact.node] };
        }
        seen.set(key, offset);
      }
      return undefined;
    },
  };
}

/**
 * exclusive-assignment: no partition is processed by two consumers of the group at
 * once. A side effect of consumer c on partition p is a breach when another consumer
 * started p after c last did and has not stopped: c is a zombie acting after its
 * partition moved on. (A consumer that holds a partition but does nothing, paused,
 * breaks nothing until it acts.)
 */
export function exclusiveAssignment(): Property<F> {
  const started = new Map<number, Map<string, Micros>>();
  const of = (p: number) => {
    let m = started.get(p);
    if (m === undefined) started.set(p, (m = new Map()));
    return m;
  };
  return {
    name: 'exclusive-assignment',
    watches: ['partition-start', 'partition-stop', 'processed', 'crash'],
    observe(fact) {
      if (fact.kind === 'partition-start') of(fact.data.partition).set(fact.node, fact.t);
      else if (fact.kind === 'partition-stop') of(fact.data.partition).delete(fact.node);
      else if (fact.kind === 'crash') for (const m of started.values()) m.delete(fact.node);
      else if (fact.kind === 'processed') {
        const holders = of(fact.data.partition);
        const mine = holders.get(fact.data.consumer);
        for (const [other, since] of holders) {
          if (other !== fact.data.consumer && (mine === undefined || since > mine)) {
            return {
              message: `${fact.data.consumer} wrote the side effect of ${fact.data.id} (partition ${fact.data.partition}, offset ${fact.data.offset}) while ${other} has processed that partition since ${formatTime(since)}: two consumers of the group process it at once`,
              nodes: [fact.data.consumer, other],
            };
          }
        }
      }
      return undefined;
    },
  };
}

/**
 * delivery: every record below a partition's last committed offset was processed by
 * some consumer of the group by the end of the run (at least once). Commits that
 * run ahead of processing are fine while the consumer lives; one that crashes
 * between commit and processing leaves the gap this finds.
 */
export function delivery(): Property<F> {
  const committed = new Map<number, { offset: number; t: Micros }>();
  const processed = new Map<number, Set<number>>();
  return {
    name: 'delivery',
    watches: ['offset-committed', 'processed'],
    observe(fact) {
      if (fact.kind === 'offset-committed') committed.set(fact.data.partition, { offset: fact.data.offset, t: fact.t });
      if (fact.kind === 'processed') {
        let set = processed.get(fact.data.partition);
        if (set === undefined) processed.set(fact.data.partition, (set = new Set()));
        set.add(fact.data.offset);
      }
      return undefined;
    },
    finish() {
      for (const [partition, { offset, t }] of committed) {
        const done = processed.get(partition) ?? new Set();
        for (let o = 0; o < offset; o++) {
          if (!done.has(o)) {
            return { message: `partition ${partition}'s committed offset is ${offset}, but the record at offset ${o} was never processed by any consumer: the group skipped it`, at: t };
          }
        }
      }
      return undefined;
    },
  };
}
