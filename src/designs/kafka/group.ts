import { call, ConfigError, sleep, type Envelope, type Micros, type NodeModel, type TimerHandle } from '../../kernel/index.js';
import { askController, controllerQuorum } from './controller.js';
import { kafkaFact } from './facts.js';
import type { ConsumeReply } from './protocol.js';

/** How partitions are split among a group's members (partition.assignment.strategy). */
export type Assignor = 'range' | 'round-robin';

/** Members sorted by id; `range` gives each a contiguous run, `round-robin` deals partitions out in turn. */
export function assign(members: readonly string[], partitions: number, assignor: Assignor): Map<string, number[]> {
  const sorted = [...members].sort();
  const result = new Map(sorted.map((m) => [m, [] as number[]]));
  if (sorted.length === 0) return result;
  for (let p = 0; p < partitions; p++) {
    const owner = assignor === 'round-robin'
      ? sorted[p % sorted.length]!
      : sorted[Math.min(sorted.length - 1, Math.floor(p / Math.ceil(partitions / sorted.length)))]!;
    result.get(owner)!.push(p);
  }
  return result;
}

export type GroupRequest =
  /** A member's heartbeat; `ready` is the generation it has revoked everything for and joins. */
  | { type: 'heartbeat'; ready: number }
  | { type: 'leave' }
  | { type: 'commit'; generation: number; partition: number; offset: number };

export type GroupReply =
  | { type: 'group'; generation: number; stable: true; partitions: number[]; offsets: Record<number, number> }
  | { type: 'group'; generation: number; stable: false }
  | { type: 'commit-reply'; ok: boolean };

export interface CoordinatorOptions {
  partitions: number;
  assignor: Assignor;
  sessionTimeout: Micros;
}

/**
 * The group coordinator (Kafka runs it on a broker; here it is its own node, with the
 * committed offsets on its disk). The eager rebalance protocol: any join, leave or
 * session expiry starts a new generation in which nobody owns anything; each member
 * stops processing and joins it, and once every member has joined (or been expired)
 * the coordinator assigns the partitions. Commits from another generation, or for a
 * partition the member does not own, are refused (CommitFailedException).
 */
export function groupCoordinator(options: CoordinatorOptions): NodeModel<GroupRequest> {
  return (ctx) => {
    const offsets: Record<number, number> = { ...(ctx.disk.get<Record<number, number>>('offsets') ?? {}) };
    let generation = ctx.disk.get<number>('generation') ?? 0;
    // Each member's session is a timer, on the coordinator's monotonic clock: a wall-clock step
    // (an NTP correction) must not expire a member that is still heartbeating and processing.
    const members = new Map<string, { session: TimerHandle; ready: number }>();
    const renew = (id: string) => ctx.setTimer(options.sessionTimeout, { expire: id });
    let assignment: Map<string, number[]> | undefined;

    // Membership is on disk too (Kafka keeps group metadata in __consumer_offsets): after a restart the
    // coordinator waits for the members it knew to rejoin or expire before assigning anything.
    for (const id of ctx.disk.get<string[]>('members') ?? []) members.set(id, { session: renew(id), ready: -1 });
    const rebalance = (why: string) => {
      generation++;
      ctx.disk.set('generation', generation);
      ctx.disk.set('members', [...members.keys()]);
      assignment = undefined;
      ctx.probe(`group rebalanced (${why})`);
      ctx.annotate(() => ({ generation, members: [...members.keys()].join(' '), assignment: null }));
    };
    const maybeAssign = () => {
      if (assignment !== undefined || members.size === 0) return;
      if ([...members.values()].some((m) => m.ready !== generation)) return;
      const assigned = (assignment = assign([...members.keys()], options.partitions, options.assignor));
      ctx.annotate(() => ({ assignment: [...assigned].map(([m, ps]) => `${m}:${ps.join(',')}`).join(' ') }));
    };

    return {
      onTimer({ expire }: { expire: string }) {
        members.delete(expire);
        rebalance('session timeout');
        maybeAssign();
      },
      onMessage(msg, envelope: Envelope<GroupRequest>) {
        const from = envelope.from;
        if (msg.type === 'leave') {
          const leaving = members.get(from);
          if (leaving) {
            ctx.cancelTimer(leaving.session);
            members.delete(from);
            rebalance('member left');
          }
          maybeAssign();
          return;
        }
        if (msg.type === 'commit') {
          const owns = assignment?.get(from)?.includes(msg.partition) ?? false;
          const ok = msg.generation === generation && owns;
          if (ok) {
            offsets[msg.partition] = msg.offset;
            ctx.disk.set('offsets', { ...offsets });
            kafkaFact(ctx, 'offset-committed', { consumer: from, partition: msg.partition, offset: msg.offset, generation });
          } else {
            ctx.probe('stale offset commit refused');
          }
          return ctx.reply(envelope, { type: 'commit-reply', ok } satisfies GroupReply);
        }
        const member = members.get(from);
        if (member === undefined) {
          members.set(from, { session: renew(from), ready: -1 });
          rebalance('member joined');
        } else {
          ctx.cancelTimer(member.session);
          member.session = renew(from);
          member.ready = msg.ready;
        }
        maybeAssign();
        const mine = assignment?.get(from);
        ctx.reply(envelope, (mine !== undefined && members.get(from)!.ready === generation
          ? { type: 'group', generation, stable: true, partitions: mine, offsets }
          : { type: 'group', generation, stable: false }) satisfies GroupReply);
      },
    };
  };
}

/** When a consumer commits its position: before processing a record, after it, or on a timer (enable.auto.commit). */
export type CommitPolicy = { kind: 'before-process' } | { kind: 'after-process' } | { kind: 'auto'; every: Micros };

export interface ConsumerOptions {
  coordinator: string;
  /** The controller quorum, asked for metadata (who leads each partition). */
  controllers: readonly string[];
  /** How long to wait for a controller's answer before trying another. */
  controllerTimeout: Micros;
  store: string;
  commit: CommitPolicy;
  /**
   * Stop processing once the last answered heartbeat is older than the session
   * timeout less a margin, measured on this consumer's monotonic clock (a timer:
   * clock steps do not move it): a consumer paused past its session stops before
   * anyone else is given its partitions.
   */
  selfFence: boolean;
  heartbeatEvery: Micros;
  sessionTimeout: Micros;
  /** How long processing one record takes. */
  processTime: Micros;
  requestTimeout: Micros;
  /** When this consumer leaves the group for good, if it does (a scripted leave). */
  leaveAt?: Micros;
}

/** The part of the session a self-fencing consumer does not use: covers a reply's latency and clock drift. */
const FENCE_MARGIN = 4;

/**
 * A consumer in a group: heartbeats to the coordinator, stops processing and joins
 * when a rebalance starts, processes the partitions it is assigned (reading from
 * their leaders, writing each record's side effect to an external store and waiting
 * for it), and commits its position by its policy.
 */
export function consumer(options: ConsumerOptions): NodeModel<GroupReply> {
  if (options.commit.kind === 'auto' && !(options.commit.every > 0)) throw new ConfigError('kafka consumer: auto-commit needs a positive interval');
  return (ctx) => {
    let generation = -1;
    let ready = -1;
    /** Partitions being processed, each with a token: a revoked partition's workflow sees its token gone. */
    const owned = new Map<number, { token: number; position: number }>();
    let tokens = 0;
    // The lease is measured twice: by a timer (monotonic: a clock step does not move it) and by the
    // wall clock, because after a pause the workflow that was sleeping may run before the timer that
    // came due during the pause has fired.
    const leaseLength = options.sessionTimeout - options.sessionTimeout / FENCE_MARGIN;
    let leaseTimer: TimerHandle | undefined;
    let leaseLost = false;
    let leaseEnds: Micros = 0;
    /** The lease runs from when the answered heartbeat was sent: a reply held up by a pause renews little or nothing. */
    const renewLease = (sentAt: Micros) => {
      if (leaseTimer) ctx.cancelTimer(leaseTimer);
      leaseLost = false;
      leaseEnds = sentAt + leaseLength;
      leaseTimer = ctx.setTimer(Math.max(0, leaseEnds - ctx.now()), 'lease');
    };
    renewLease(ctx.now());
    const leaders = new Map<number, string>();
    const quorum = controllerQuorum(options.controllers);
    let left = false;

    const stopAll = (reason: 'revoked' | 'session-lost' | 'commit-refused') => {
      for (const partition of owned.keys()) kafkaFact(ctx, 'partition-stop', { partition, reason });
      owned.clear();
      ctx.annotate({ owns: null });
    };
    const sessionValid = () => !options.selfFence || (!leaseLost && ctx.now() < leaseEnds);

    function* commit(partition: number, offset: number) {
      const reply = yield* call<GroupReply>(options.coordinator, { type: 'commit', generation, partition, offset } satisfies GroupRequest, options.requestTimeout);
      if (reply.ok && reply.body.type === 'commit-reply' && !reply.body.ok && owned.size > 0) {
        stopAll('commit-refused');
        ready = -1;
      }
      return reply.ok && reply.body.type === 'commit-reply' && reply.body.ok;
    }

    function* process(partition: number, token: number) {
      const mine = () => owned.get(partition)?.token === token;
      while (mine()) {
        if (!sessionValid()) {
          ctx.probe('consumer fenced itself: session lost');
          stopAll('session-lost');
          return;
        }
        const leader = leaders.get(partition);
        const position = owned.get(partition)!.position;
        const reply = leader ? yield* call<ConsumeReply>(leader, { type: 'consume', partition, offset: position }, options.requestTimeout) : undefined;
        if (!reply?.ok || !reply.body.ok) {
          const state = yield* askController(ctx, quorum, { type: 'metadata' }, options.controllerTimeout, options.controllers.length);
          if (state) for (const p of state.partitions) leaders.set(p.partition, p.leader);
          yield* sleep(options.heartbeatEvery);
          continue;
        }
        if (reply.body.records.length === 0) {
          yield* sleep(options.heartbeatEvery);
          continue;
        }
        for (const [i, record] of reply.body.records.entries()) {
          const offset = reply.body.from + i;
          if (!mine() || !sessionValid()) break;
          if (options.commit.kind === 'before-process' && !(yield* commit(partition, offset + 1))) break;
          yield* sleep(options.processTime);
          if (!mine() || !sessionValid()) break; // revoked, or paused past the session, while processing
          const done = yield* call(options.store, { type: 'effect', partition, offset, id: record.id }, options.requestTimeout);
          if (!done.ok) break;
          if (mine()) owned.get(partition)!.position = offset + 1;
          if (options.commit.kind === 'after-process' && !(yield* commit(partition, offset + 1))) break;
        }
      }
    }

    const onGroup = (reply: Extract<GroupReply, { type: 'group' }>, sentAt: Micros) => {
      if (options.selfFence && ctx.now() >= sentAt + leaseLength) {
        ctx.probe('stale group reply ignored');
        return;
      }
      renewLease(sentAt);
      if (!reply.stable || reply.generation !== generation) {
        // A rebalance: give everything up, then join the new generation.
        if (owned.size > 0) stopAll('revoked');
        generation = reply.generation;
        if (ready !== generation) {
          ready = generation;
          heartbeat();
        }
      }
      if (reply.stable && reply.generation === ready && owned.size === 0) {
        for (const partition of reply.partitions) {
          const token = ++tokens;
          const position = reply.offsets[partition] ?? 0;
          owned.set(partition, { token, position });
          kafkaFact(ctx, 'partition-start', { partition, generation, offset: position });
          ctx.spawn(process(partition, token));
        }
        ctx.annotate(() => ({ owns: reply.partitions.join(',') || '-', generation }));
      }
    };

    const heartbeat = () => {
      if (left) return;
      ctx.spawn((function* beat() {
        const sentAt = ctx.now();
        const reply = yield* call<GroupReply>(options.coordinator, { type: 'heartbeat', ready } satisfies GroupRequest, options.requestTimeout);
        if (reply.ok && reply.body.type === 'group') onGroup(reply.body, sentAt);
      })());
    };

    heartbeat();
    ctx.setTimer(options.heartbeatEvery, 'heartbeat');
    if (options.commit.kind === 'auto') ctx.setTimer(options.commit.every, 'auto-commit');
    if (options.leaveAt !== undefined && options.leaveAt > ctx.now()) ctx.setTimer(options.leaveAt - ctx.now(), 'leave');
    return {
      onTimer(tag: 'heartbeat' | 'lease' | 'auto-commit' | 'leave') {
        if (tag === 'lease') {
          leaseLost = true;
          if (options.selfFence && owned.size > 0) {
            ctx.probe('consumer fenced itself: session lost');
            stopAll('session-lost');
          }
        } else if (tag === 'heartbeat') {
          heartbeat();
          ctx.setTimer(options.heartbeatEvery, 'heartbeat');
        } else if (tag === 'auto-commit' && options.commit.kind === 'auto') {
          for (const [partition, { position }] of owned) {
            ctx.spawn((function* autoCommit() {
              yield* commit(partition, position);
            })());
          }
          ctx.setTimer(options.commit.every, 'auto-commit');
        } else if (tag === 'leave') {
          left = true;
          stopAll('revoked');
          ctx.send(options.coordinator, { type: 'leave' } satisfies GroupRequest);
        }
      },
    };
  };
}

/** The external store consumers write their side effects to: each one applied is a fact the checkers count. */
export function effectStore(): NodeModel<{ type: 'effect'; partition: number; offset: number; id: string }> {
  return (ctx) => ({
    onMessage(msg, envelope) {
      kafkaFact(ctx, 'processed', { consumer: envelope.from, partition: msg.partition, offset: msg.offset, id: msg.id });
      ctx.reply(envelope, { ok: true });
    },
  });
}
