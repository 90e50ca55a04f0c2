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

export type ControllerRequest =
  /** A broker's heartbeat; a new `incarnation` is a restarted broker registering again. */
  | { type: 'heartbeat'; incarnation: number }
  /** A leader asks to change its partition's ISR (Kafka's AlterPartition). */
  | { type: 'alter-isr'; partition: number; epoch: number; isrVersion: number; isr: string[] }
  /** A producer asks who leads each partition. */
  | { type: 'metadata' };

/** The controller's answer to each request: every partition's current state. */
export interface ControllerState {
  type: 'state';
  partitions: PartitionState[];
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
