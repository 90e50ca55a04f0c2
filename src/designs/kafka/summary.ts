import { formatDuration, type Fact, type KernelFact, type Micros } from '../../kernel/index.js';
import type { KafkaFact } from './facts.js';
import { TrueLogs } from './properties.js';

/**
 * What a run did for its producers, from the facts: records done (acknowledged; with
 * acks=0, sent), how many of those the partition's last leader does not hold (lost,
 * or unavailable when the partition ends with no leader), and produce latency
 * (sent to acknowledged, true time).
 */
export class KafkaStats {
  private readonly logs = new TrueLogs();
  /** Each partition's newest leader and its epoch; broker '' while the partition has none. */
  private readonly leaders = new Map<number, { broker: string; epoch: number }>();
  private readonly sentAt = new Map<string, Micros>();
  private readonly done = new Map<string, number>();
  readonly latencies: Micros[] = [];
  failed = 0;
  lastT: Micros = 0;

  collect(fact: Fact<KafkaFact | KernelFact>): void {
    this.lastT = fact.t;
    this.logs.apply(fact);
    switch (fact.kind) {
      case 'produce-sent':
        this.sentAt.set(fact.data.id, fact.t);
        if (fact.data.acks === 0) this.done.set(fact.data.id, fact.data.partition);
        break;
      case 'produce-acked':
        if (!this.done.has(fact.data.id)) this.latencies.push(fact.t - this.sentAt.get(fact.data.id)!);
        this.done.set(fact.data.id, fact.data.partition);
        break;
      case 'produce-failed':
        this.failed++;
        break;
      case 'became-partition-leader':
        this.lead(fact.data.partition, fact.node, fact.data.epoch);
        break;
      case 'partition-changed':
        if (fact.data.leader === '') this.lead(fact.data.partition, '', fact.data.epoch);
        break;
    }
  }

  /** Controllers report each change once per replica, and again after a restart: only a newer epoch counts. */
  private lead(partition: number, broker: string, epoch: number): void {
    const current = this.leaders.get(partition);
    if (current === undefined || current.epoch < epoch) this.leaders.set(partition, { broker, epoch });
  }

  /** Records done, and of those, lost (the last leader lacks them) and unavailable (no leader at the end). */
  outcome(): { done: number; lost: number; unavailable: number } {
    const held = new Map<number, Set<string> | undefined>();
    for (const [partition, leader] of this.leaders) held.set(partition, leader.broker === '' ? undefined : new Set(this.logs.of(leader.broker, partition).map((r) => r.id)));
    let lost = 0;
    let unavailable = 0;
    for (const [id, partition] of this.done) {
      const ids = held.get(partition);
      if (ids === undefined) unavailable++;
      else if (!ids.has(id)) lost++;
    }
    return { done: this.done.size, lost, unavailable };
  }

  percentile(p: number): Micros {
    if (this.latencies.length === 0) return 0;
    const sorted = [...this.latencies].sort((a, b) => a - b);
    return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
  }
}

export function kafkaSummary(): { collect(fact: Fact): void; render(): string } {
  const stats = new KafkaStats();
  return {
    collect: (fact) => stats.collect(fact as Fact<KafkaFact | KernelFact>),
    render() {
      const { done, lost, unavailable } = stats.outcome();
      return `${done} records acknowledged, ${lost} of them lost, ${unavailable} unavailable, ${stats.failed} failed; produce latency p50 ${formatDuration(stats.percentile(50))}, p99 ${formatDuration(stats.percentile(99))}`;
    },
  };
}
