import { factEmitter } from '../../kernel/index.js';

/** The acknowledgement a producer asks for (Kafka's `acks`): none, the leader's, or every in-sync replica's. */
export type Acks = 0 | 1 | 'all';

/**
 * What really happened in a Kafka run. A broker's log is storage: every change to it
 * (an append, a truncation, what a restart read back from disk) is a fact, so the
 * properties know each replica's true log without asking any node what it believes.
 */
export type KafkaFact =
  /** A producer handed a record to the network (acks=0 counts it as done). */
  | { kind: 'produce-sent'; data: { producer: string; partition: number; id: string; seq: number; acks: Acks } }
  /** A producer received an acknowledgement: the record is at `offset`. */
  | { kind: 'produce-acked'; data: { producer: string; partition: number; id: string; offset: number; acks: Acks } }
  /** A producer gave up on a record (its retries are spent). */
  | { kind: 'produce-failed'; data: { producer: string; partition: number; id: string } }
  /** A broker wrote records to its log at `from`, `from + 1`, … */
  | { kind: 'log-append'; data: { partition: number; from: number; ids: string[]; producers: string[]; seqs: number[] } }
  /** A broker cut its log to its first `to` records. */
  | { kind: 'log-truncate'; data: { partition: number; to: number; reason: 'leader-epoch' | 'high-watermark' | 'out-of-range' } }
  /** A broker booted and read its log back from disk (after a power loss: what was synced, and a prefix of the rest). */
  | { kind: 'log-recovered'; data: { partition: number; ids: string[]; producers: string[]; seqs: number[] } }
  /**
   * A broker took over as the partition's leader in `epoch` (named apart from Raft's
   * `became-leader`, which the controllers report in the same run).
   */
  | { kind: 'became-partition-leader'; data: { partition: number; epoch: number } }
  /** A leader advanced the high watermark: its first `hw` records are committed. */
  | { kind: 'hw-advanced'; data: { partition: number; epoch: number; hw: number } }
  /**
   * A controller applied a committed change of a partition's leader or ISR (leader ''
   * when none is eligible). Every controller of the quorum applies each change, and a
   * restarted one applies its log again from the start: the newest epoch is the largest seen.
   */
  | { kind: 'partition-changed'; data: { partition: number; epoch: number; leader: string; isr: string[]; unclean: boolean } }
  /** A consumer began processing a partition, from `offset`, in the group's `generation`. */
  | { kind: 'partition-start'; data: { partition: number; generation: number; offset: number } }
  /** A consumer stopped processing a partition (revoked, fenced itself, or its commit was refused). */
  | { kind: 'partition-stop'; data: { partition: number; reason: 'revoked' | 'session-lost' | 'commit-refused' } }
  /** The external store applied a consumer's side effect for the record at `offset` (node: the store). */
  | { kind: 'processed'; data: { consumer: string; partition: number; offset: number; id: string } }
  /** The group coordinator accepted a consumer's offset commit: the group resumes `partition` at `offset`. */
  | { kind: 'offset-committed'; data: { consumer: string; partition: number; offset: number; generation: number } };

export const kafkaFact = factEmitter<KafkaFact>();
