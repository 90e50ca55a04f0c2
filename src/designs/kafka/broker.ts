import { type Envelope, type Micros, type NodeModel } from '../../kernel/index.js';
import { askController, controllerQuorum } from './controller.js';
import { kafkaFact } from './facts.js';
import type { BrokerReply, BrokerRequest, ConsumeReply, ControllerCommand, ControllerState, LogRecord, PartitionState, ProduceReply } from './protocol.js';

/**
 * When a broker forces its log to disk (log.flush.interval.messages / .ms). Kafka's
 * default is never: it leaves flushing to the operating system and relies on
 * replication for durability (Kafka documentation, "Broker Configs": log.flush.*
 * default to Long.MAX_VALUE; Red Hat's tuning guide for Kafka: "we recommend that you
 * do not set explicit flush thresholds … partition replication provides greater data
 * durability than writes to any single disk").
 */
export type FlushPolicy = { kind: 'every-message' } | { kind: 'interval'; every: Micros } | { kind: 'never' };

export interface BrokerOptions {
  /** The controller quorum: heartbeats and ISR changes go to its active member. */
  controllers: readonly string[];
  /** How long a broker waits for the active controller's answer before trying another controller. */
  controllerTimeout: Micros;
  /** min.insync.replicas: an acks=all produce needs an ISR at least this large. */
  minInsyncReplicas: number;
  /** replica.lag.time.max.ms: a follower that has not caught up for this long leaves the ISR. */
  replicaLagMax: Micros;
  flush: FlushPolicy;
  /**
   * How a replica that becomes a follower finds where its log diverges from the
   * leader's: by asking the leader where its last leader epoch ends (KIP-101), or,
   * as before Kafka 0.11, by truncating to its own high watermark.
   */
  truncation: 'leader-epoch' | 'high-watermark';
  heartbeatEvery: Micros;
  /** How often a broker checks its followers' lag and its own fetches (a fetch is sent again when unanswered). */
  fetchEvery: Micros;
  /** replica.fetch.wait.max.ms: how long a leader holds a fetch that has nothing new. */
  fetchWaitMax: Micros;
}

/** Most records one fetch carries. */
const MAX_FETCH = 50;
/** How many recent sequence numbers a broker remembers per producer, as Kafka does for its 5 in-flight batches. */
const DEDUPE_WINDOW = 5;

interface Replica {
  partition: number;
  replicas: string[];
  log: LogRecord[];
  hw: number;
  /** The leader and epoch this broker follows or leads in; -1 until the controller says. */
  leader: string;
  epoch: number;
  // As leader:
  isr: string[];
  /** The version of `isr` the controller last told this broker. */
  isrVersion: number;
  /**
   * An ISR change sent to the controller, based on version `base`, not yet seen
   * applied or refused: the HW waits for the union of both (Kafka's "maximal ISR").
   */
  proposal: { isr: string[]; base: number } | undefined;
  epochStart: number;
  followerEnd: Map<string, number>;
  lastCaughtUp: Map<string, Micros>;
  answered: Map<string, { leo: number; at: Micros }>;
  /** Fetches with nothing to return yet, answered at the next append (long polling). */
  parked: Map<string, { request: Envelope; since: Micros }>;
  waiting: Array<{ offset: number; request: Envelope }>;
  // As follower:
  phase: 'truncating' | 'fetching';
  sentAt: Micros | undefined;
}

/**
 * A Kafka broker: per-partition logs (plain arrays: offsets are indexes), leader and
 * follower roles assigned by the controller, followers fetching from the leader,
 * the ISR shrinking and expanding, the high watermark, leader epochs, the
 * idempotent producer's de-duplication, and a flush policy.
 *
 * The model follows the Kafka documentation's design section, "Replication": a
 * record is committed when every ISR member has it, and the leader advances the
 * high watermark to the smallest log end among the ISR; a follower leaves the ISR
 * when it has not caught up within replica.lag.time.max.ms; acks=all waits for the
 * whole ISR, and min.insync.replicas refuses writes when the ISR is too small.
 */
export function broker(options: BrokerOptions): NodeModel<BrokerRequest | BrokerReply> {
  return (ctx) => {
    // Tells the controller this is a new process (Kafka's broker epoch); drawn, not stored, so booting syncs nothing.
    const incarnation = ctx.random.int(1, 2 ** 31);
    const replicas = new Map<number, Replica>();
    const quorum = controllerQuorum(options.controllers);

    const sync = () => ctx.disk.sync();
    const flushAfterAppend = () => {
      if (options.flush.kind === 'every-message') sync();
    };

    /** The log as this broker's disk holds it (what survived, after a power loss). */
    const recover = (partition: number): { log: LogRecord[]; hw: number } => {
      const end = ctx.disk.get<number>(`leo:${partition}`) ?? 0;
      const log: LogRecord[] = [];
      for (let o = 0; o < end; o++) {
        const record = ctx.disk.get<LogRecord>(`log:${partition}:${o}`);
        if (record === undefined) break; // a later write of the end offset survived, a record did not
        log.push(record);
      }
      kafkaFact(ctx, 'log-recovered', { partition, ids: log.map((r) => r.id), producers: log.map((r) => r.producer), seqs: log.map((r) => r.seq) });
      return { log, hw: Math.min(ctx.disk.get<number>(`hw:${partition}`) ?? 0, log.length) };
    };

    const replicaOf = (state: PartitionState): Replica => {
      let r = replicas.get(state.partition);
      if (r === undefined) {
        const { log, hw } = recover(state.partition);
        r = {
          partition: state.partition, replicas: state.replicas, log, hw, leader: '', epoch: -1,
          isr: [], isrVersion: -1, proposal: undefined, epochStart: 0, followerEnd: new Map(), lastCaughtUp: new Map(), answered: new Map(), parked: new Map(), waiting: [],
          phase: 'truncating', sentAt: undefined,
        };
        replicas.set(state.partition, r);
      }
      return r;
    };

    const show = (r: Replica) =>
      ctx.annotate(() => ({ [`p${r.partition}`]: `${r.leader === ctx.id ? 'leader' : r.leader ? `follows ${r.leader}` : 'offline'} e${r.epoch} hw ${r.hw} leo ${r.log.length}${r.leader === ctx.id ? ` isr[${r.isr.join(' ')}]` : ''}` }));

    const append = (r: Replica, records: LogRecord[]) => {
      const from = r.log.length;
      for (const record of records) {
        ctx.disk.write(`log:${r.partition}:${r.log.length}`, record);
        r.log.push(record);
      }
      ctx.disk.write(`leo:${r.partition}`, r.log.length);
      flushAfterAppend();
      kafkaFact(ctx, 'log-append', { partition: r.partition, from, ids: records.map((x) => x.id), producers: records.map((x) => x.producer), seqs: records.map((x) => x.seq) });
    };

    const truncate = (r: Replica, to: number, reason: 'leader-epoch' | 'high-watermark' | 'out-of-range') => {
      if (to >= r.log.length) return;
      r.log.length = to;
      r.hw = Math.min(r.hw, to);
      ctx.disk.write(`leo:${r.partition}`, to);
      flushAfterAppend();
      kafkaFact(ctx, 'log-truncate', { partition: r.partition, to, reason });
      ctx.probe(reason === 'leader-epoch' ? 'follower truncated by leader epoch' : `follower truncated (${reason})`);
    };

    const setHw = (r: Replica, hw: number) => {
      if (hw === r.hw) return;
      r.hw = hw;
      ctx.disk.write(`hw:${r.partition}`, hw); // the high-watermark checkpoint file
      show(r);
    };

    // ---- Leader ----

    /** The ISR the HW waits for: the confirmed one, and a proposed change until the controller applies it. */
    const maximalIsr = (r: Replica) => [...new Set([...r.isr, ...(r.proposal?.isr ?? [])])];

    const advanceHw = (r: Replica) => {
      const ends = maximalIsr(r).map((b) => (b === ctx.id ? r.log.length : (r.followerEnd.get(b) ?? 0)));
      const hw = Math.min(...ends);
      if (hw > r.hw) {
        setHw(r, hw);
        kafkaFact(ctx, 'hw-advanced', { partition: r.partition, epoch: r.epoch, hw });
      }
      const ready = r.waiting.filter((w) => w.offset < r.hw);
      if (ready.length === 0) return;
      r.waiting = r.waiting.filter((w) => w.offset >= r.hw);
      // NotEnoughReplicasAfterAppend: the record is committed, but to fewer replicas than promised.
      const enough = r.isr.length >= options.minInsyncReplicas;
      for (const w of ready) ctx.reply(w.request, (enough ? { ok: true, offset: w.offset } : { ok: false, error: 'not-enough-replicas' }) satisfies ProduceReply);
    };

    /**
     * One change at a time, based on the version this leader knows (Kafka's
     * AlterPartition), sent until the active controller answers: a change given up on
     * could still commit later, and the HW must wait for it until then.
     */
    const proposeIsr = (r: Replica, isr: string[]) => {
      r.proposal = { isr, base: r.isrVersion };
      const command: ControllerCommand = { type: 'alter-isr', broker: ctx.id, partition: r.partition, epoch: r.epoch, isrVersion: r.isrVersion, isr };
      ctx.spawn((function* alterPartition() {
        const state = yield* askController(ctx, quorum, command, options.controllerTimeout);
        if (state) onState(state);
      })());
    };

    /**
     * The idempotent producer's check (KIP-98): the next sequence number is appended;
     * one of the last few is a retry of a record already in the log, answered with its
     * offset; anything else (a gap, or a retry too old to recognise) is refused.
     */
    const sequenceCheck = (r: Replica, producer: string, seq: number): number | 'append' | 'refuse' => {
      let last: number | undefined;
      for (let o = r.log.length - 1; o >= 0; o--) {
        const x = r.log[o]!;
        if (x.producer !== producer) continue;
        last ??= x.seq;
        if (x.seq === seq) return last - seq < DEDUPE_WINDOW ? o : 'refuse';
        if (x.seq < seq) break;
      }
      return seq === (last ?? -1) + 1 ? 'append' : 'refuse';
    };

    const onProduce = (msg: Extract<BrokerRequest, { type: 'produce' }>, envelope: Envelope) => {
      const r = replicas.get(msg.partition);
      const refuse = (error: 'not-leader' | 'not-enough-replicas' | 'out-of-order-sequence') => {
        if (msg.acks !== 0) ctx.reply(envelope, { ok: false, error } satisfies ProduceReply);
      };
      if (r === undefined || r.leader !== ctx.id) return refuse('not-leader');
      if (msg.acks === 'all' && r.isr.length < options.minInsyncReplicas) return refuse('not-enough-replicas');
      let offset = r.log.length;
      if (msg.idempotent) {
        const check = sequenceCheck(r, msg.record.producer, msg.record.seq);
        if (check === 'refuse') {
          ctx.probe('out-of-order sequence refused');
          return refuse('out-of-order-sequence');
        }
        if (check !== 'append') {
          ctx.probe('duplicate produce deduplicated');
          offset = check;
        }
      }
      if (offset === r.log.length) append(r, [{ ...msg.record, epoch: r.epoch }]);
      if (msg.acks === 1) ctx.reply(envelope, { ok: true, offset } satisfies ProduceReply);
      if (msg.acks === 'all') r.waiting.push({ offset, request: envelope });
      advanceHw(r);
      answerParked(r);
    };

    const onFetch = (msg: Extract<BrokerRequest, { type: 'fetch' }>, envelope: Envelope) => {
      const r = replicas.get(msg.partition);
      if (r === undefined || r.leader !== ctx.id || r.epoch !== msg.epoch) {
        return ctx.reply(envelope, { type: 'fetch-reply', partition: msg.partition, epoch: r?.epoch ?? -1, ok: false, error: 'epoch', leo: 0 } satisfies BrokerReply);
      }
      if (msg.offset > r.log.length) {
        return ctx.reply(envelope, { type: 'fetch-reply', partition: r.partition, epoch: r.epoch, ok: false, error: 'out-of-range', leo: r.log.length } satisfies BrokerReply);
      }
      const follower = envelope.from;
      r.followerEnd.set(follower, msg.offset);
      // Caught up: to the log end now, or to the log end when this follower was last answered (KAFKA-4485).
      const previous = r.answered.get(follower);
      if (msg.offset >= r.log.length) r.lastCaughtUp.set(follower, ctx.now());
      else if (previous !== undefined && msg.offset >= previous.leo) r.lastCaughtUp.set(follower, previous.at);
      r.answered.set(follower, { leo: r.log.length, at: ctx.now() });
      // Back into the ISR once caught up to the HW and into this leader's epoch (Kafka's ISR expansion rule).
      if (r.proposal === undefined && !r.isr.includes(follower) && msg.offset >= r.hw && msg.offset >= r.epochStart) {
        ctx.probe('ISR expanded');
        proposeIsr(r, [...r.isr, follower]);
      }
      advanceHw(r);
      // Nothing new: the fetch waits here for the next append, up to replica.fetch.wait.max.ms.
      if (msg.offset === r.log.length) r.parked.set(follower, { request: envelope, since: ctx.now() });
      else answerFetch(r, envelope, msg.offset);
    };

    const answerFetch = (r: Replica, request: Envelope, from: number) =>
      ctx.reply(request, { type: 'fetch-reply', partition: r.partition, epoch: r.epoch, ok: true, from, records: r.log.slice(from, from + MAX_FETCH), hw: r.hw } satisfies BrokerReply);

    /** Answers waiting fetches: all of them after an append, or those that waited their longest. */
    const answerParked = (r: Replica, onlyExpired = false) => {
      for (const [follower, { request, since }] of r.parked) {
        if (onlyExpired && ctx.now() - since < options.fetchWaitMax) continue;
        r.parked.delete(follower);
        answerFetch(r, request, (request.body as { offset: number }).offset);
      }
    };

    /** Where the follower's `lastEpoch` ends in this leader's log: the start of the first later epoch (KIP-101, with KIP-279's largest epoch not above it). */
    const onEpochEnd = (msg: Extract<BrokerRequest, { type: 'epoch-end' }>, envelope: Envelope) => {
      const r = replicas.get(msg.partition);
      if (r === undefined || r.leader !== ctx.id || r.epoch !== msg.epoch) {
        return ctx.reply(envelope, { type: 'epoch-end-reply', partition: msg.partition, epoch: r?.epoch ?? -1, ok: false, foundEpoch: -1, endOffset: 0 } satisfies BrokerReply);
      }
      const reply = (foundEpoch: number, endOffset: number) =>
        ctx.reply(envelope, { type: 'epoch-end-reply', partition: r.partition, epoch: r.epoch, ok: true, foundEpoch, endOffset } satisfies BrokerReply);
      if (msg.lastEpoch >= r.epoch) return reply(r.epoch, r.log.length);
      let found = -1;
      for (const x of r.log) if (x.epoch <= msg.lastEpoch) found = Math.max(found, x.epoch);
      // This leader's current epoch starts at `epochStart`, even before it holds a record of it (KIP-279).
      const next = r.log.findIndex((x) => x.epoch > found);
      reply(found, next === -1 ? r.epochStart : Math.min(next, r.epochStart));
    };

    const leaderTick = (r: Replica) => {
      answerParked(r, true);
      if (r.proposal !== undefined) return;
      const lagging = r.isr.filter((b) => b !== ctx.id && ctx.now() - (r.lastCaughtUp.get(b) ?? 0) > options.replicaLagMax);
      if (lagging.length > 0) {
        ctx.probe('ISR shrank');
        proposeIsr(r, r.isr.filter((b) => !lagging.includes(b)));
      }
    };

    // ---- Follower ----

    const follow = (r: Replica) => {
      if (r.leader === '' || r.leader === ctx.id) return;
      if (r.sentAt !== undefined && ctx.now() - r.sentAt < options.fetchWaitMax + options.fetchEvery * 4) return;
      r.sentAt = ctx.now();
      if (r.phase === 'truncating' && options.truncation === 'high-watermark') {
        truncate(r, r.hw, 'high-watermark');
        r.phase = 'fetching';
      }
      if (r.phase === 'truncating') {
        const lastEpoch = r.log.length === 0 ? -1 : r.log[r.log.length - 1]!.epoch;
        ctx.send(r.leader, { type: 'epoch-end', partition: r.partition, epoch: r.epoch, lastEpoch } satisfies BrokerRequest);
      } else {
        ctx.send(r.leader, { type: 'fetch', partition: r.partition, epoch: r.epoch, offset: r.log.length } satisfies BrokerRequest);
      }
    };

    const onEpochEndReply = (msg: Extract<BrokerReply, { type: 'epoch-end-reply' }>) => {
      const r = replicas.get(msg.partition);
      if (r === undefined || r.epoch !== msg.epoch || r.phase !== 'truncating' || !msg.ok) return;
      // The leader's end of the largest epoch both logs have; if the leader has no records of
      // our last epoch, our own end of `foundEpoch` bounds it too (KIP-279).
      const ownNext = r.log.findIndex((x) => x.epoch > msg.foundEpoch);
      const ownEnd = ownNext === -1 ? r.log.length : ownNext;
      truncate(r, Math.min(msg.endOffset, ownEnd), 'leader-epoch');
      r.phase = 'fetching';
      r.sentAt = undefined;
      follow(r);
    };

    const onFetchReply = (msg: Extract<BrokerReply, { type: 'fetch-reply' }>) => {
      const r = replicas.get(msg.partition);
      if (r === undefined || r.epoch !== msg.epoch || r.leader === ctx.id || r.phase !== 'fetching') return;
      r.sentAt = undefined;
      if (!msg.ok) {
        if (msg.error === 'out-of-range') truncate(r, msg.leo, 'out-of-range');
        return;
      }
      if (msg.from !== r.log.length) return; // an answer to an older fetch
      if (msg.records.length > 0) append(r, msg.records);
      setHw(r, Math.min(msg.hw, r.log.length));
      if (msg.records.length > 0) follow(r); // fetch on at once while there is more: the next fetch tells the leader how far this replica got
    };

    // ---- The controller's word ----

    /** The committed state, as an answer of the active controller: an answer older than what this broker knows changes nothing. */
    const onState = (state: ControllerState) => {
      for (const p of state.partitions) {
        if (!p.replicas.includes(ctx.id)) continue;
        const r = replicaOf(p);
        if (p.epoch < r.epoch || p.isrVersion < r.isrVersion) continue;
        if (p.epoch > r.epoch) {
          r.epoch = p.epoch;
          r.leader = p.leader;
          r.waiting = []; // their producers time out and retry with the new leader
          r.proposal = undefined;
          r.sentAt = undefined;
          if (p.leader === ctx.id) {
            r.epochStart = r.log.length;
            r.followerEnd = new Map();
            r.answered = new Map();
            r.parked = new Map();
            r.lastCaughtUp = new Map(p.isr.map((b) => [b, ctx.now()]));
            kafkaFact(ctx, 'became-partition-leader', { partition: p.partition, epoch: p.epoch });
          } else {
            r.phase = 'truncating';
          }
        }
        r.isr = p.isr;
        r.isrVersion = p.isrVersion;
        // A newer version: the controller applied the proposal, or changed the ISR first and refused it.
        if (r.proposal !== undefined && p.isrVersion > r.proposal.base) r.proposal = undefined;
        if (r.leader === ctx.id) advanceHw(r);
        show(r);
      }
    };

    /**
     * Two tries: a standby's redirect is followed at once, and a heartbeat that cannot
     * get through is superseded by the next one. KRaft brokers learn leaders and ISRs by
     * fetching the metadata log; here each heartbeat's answer carries the committed
     * state of every partition.
     */
    const heartbeat = () =>
      ctx.spawn((function* heartbeat() {
        const state = yield* askController(ctx, quorum, { type: 'heartbeat', broker: ctx.id, incarnation }, options.controllerTimeout, 2);
        if (state) onState(state);
      })());
    heartbeat();
    ctx.setTimer(options.heartbeatEvery, 'heartbeat');
    ctx.setTimer(options.fetchEvery, 'replicate');
    if (options.flush.kind === 'interval') ctx.setTimer(options.flush.every, 'flush');

    return {
      onTimer(tag: 'heartbeat' | 'replicate' | 'flush') {
        if (tag === 'heartbeat') {
          heartbeat();
          ctx.setTimer(options.heartbeatEvery, 'heartbeat');
        } else if (tag === 'replicate') {
          for (const r of replicas.values()) {
            if (r.leader === ctx.id) leaderTick(r);
            else if (r.leader !== '') follow(r);
          }
          ctx.setTimer(options.fetchEvery, 'replicate');
        } else if (options.flush.kind === 'interval') {
          sync();
          ctx.setTimer(options.flush.every, 'flush');
        }
      },
      onMessage(msg, envelope) {
        switch (msg.type) {
          case 'produce':
            return onProduce(msg, envelope);
          case 'fetch':
            return onFetch(msg, envelope);
          case 'epoch-end':
            return onEpochEnd(msg, envelope);
          case 'consume': {
            // Consumers see only committed records: below the high watermark.
            const r = replicas.get(msg.partition);
            if (r === undefined || r.leader !== ctx.id) return ctx.reply(envelope, { ok: false } satisfies ConsumeReply);
            return ctx.reply(envelope, { ok: true, from: msg.offset, records: r.log.slice(msg.offset, Math.min(r.hw, msg.offset + MAX_FETCH)) } satisfies ConsumeReply);
          }
          case 'epoch-end-reply':
            return onEpochEndReply(msg);
          case 'fetch-reply':
            return onFetchReply(msg);
        }
      },
    };
  };
}
