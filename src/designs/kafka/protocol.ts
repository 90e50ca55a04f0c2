import type { Acks } from './facts.js';

/** A partition as the controller records it: who leads, in which leader epoch, and who is in sync. */
export interface PartitionState {
  partition: number;
  /** The replicas, preferred leader first. */
  replicas: string[];
  /** '' while no replica is eligible (the partition is offline). */
  leader: string;
  /** Bumped at every change of leader (KIP-101's leader epoch). */
  epoch: number;
  isr: string[];
  /** Bumped at every change of leader or ISR: an ISR change based on an older version is refused. */
  isrVersion: number;
}

/** One record as a log holds it: the leader epoch it was appended in, and who produced it with which sequence number. */
export interface LogRecord {
  id: string;
  producer: string;
  seq: number;
  epoch: number;
}

/**
 * What brokers and clients ask of the controller quorum: each is a command in the
 * metadata log, answered by the active controller once it is committed and applied.
 */
export type ControllerCommand =
  /** A broker's heartbeat; a new `incarnation` is a restarted broker registering again. */
  | { type: 'heartbeat'; broker: string; incarnation: number }
  /** A leader asks to change its partition's ISR (Kafka's AlterPartition). */
  | { type: 'alter-isr'; broker: string; partition: number; epoch: number; isrVersion: number; isr: string[] }
  /** A producer or consumer asks who leads each partition. */
  | { type: 'metadata' }
  /**
   * Proposed by the active controller itself: `broker`'s session lapsed, its last
   * applied heartbeat being the one at log index `heartbeat` (a later one cancels it).
   */
  | { type: 'fence'; broker: string; heartbeat: number };

/** The controller's answer to each command: every partition's state once the command is applied. */
export interface ControllerState {
  type: 'state';
  partitions: readonly PartitionState[];
}

export type BrokerRequest =
  | { type: 'produce'; partition: number; record: Omit<LogRecord, 'epoch'>; acks: Acks; idempotent: boolean }
  /** A follower fetches from `offset`, in the leader epoch it knows. */
  | { type: 'fetch'; partition: number; epoch: number; offset: number }
  /** KIP-101's OffsetsForLeaderEpoch: where does `lastEpoch` end in the leader's log? */
  | { type: 'epoch-end'; partition: number; epoch: number; lastEpoch: number }
  /** A consumer reads committed records (below the high watermark) from `offset`. */
  | { type: 'consume'; partition: number; offset: number };

export type ConsumeReply = { ok: true; from: number; records: LogRecord[] } | { ok: false };

export type ProduceReply = { ok: true; offset: number } | { ok: false; error: 'not-leader' | 'not-enough-replicas' | 'out-of-order-sequence' };

export type BrokerReply =
  | { type: 'fetch-reply'; partition: number; epoch: number; ok: true; from: number; records: LogRecord[]; hw: number }
  | { type: 'fetch-reply'; partition: number; epoch: number; ok: false; error: 'epoch' | 'out-of-range'; leo: number }
  | { type: 'epoch-end-reply'; partition: number; epoch: number; ok: boolean; foundEpoch: number; endOffset: number };
