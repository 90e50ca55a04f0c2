import { call, ConfigError, seconds, sleep, type Micros, type NodeContext, type NodeModel, type Workflow } from '../../kernel/index.js';
import type { StateMachine } from '../raft/core.js';
import { raftServer, type RaftTiming } from '../raft/server.js';
import type { RedisValue } from '../redis/keyspace.js';
import type { RedisCommand, RedisReply } from '../redis/server.js';
import { evalOn } from './worker.js';
import { KEYS, TIMINGS } from './task.js';

/**
 * How the leader moves due tasks. `seed`: as the textbook's sketch reads, by the
 * leader's own clock, read-then-write (ZRANGEBYSCORE, then ZADD/ZREM per task) with
 * nothing telling the store which leader writes, and cron occurrences under fresh ids.
 * `corrected`: one fenced script on the store's clock (`promote-fenced` in store.ts).
 */
export type Promotion = 'seed' | 'corrected';

/** `raft`: the leader elected by the Raft model. `lease`: whoever holds a lease key on the store, by its own clock. */
export type Election = 'raft' | 'lease';

export interface SchedulerOptions {
  store: string;
  promotion: Promotion;
  election: Election;
  /** The scheduler group (Raft peers). */
  schedulers: readonly string[];
  raftTiming: RaftTiming;
  timeout: Micros;
}

/** The lease variant: a 3 s lease renewed every 1 s (Problem 2's 30 s / 10 s, scaled like lease-lock). */
const LEASE = { ttl: seconds(3), renewEvery: seconds(1) };

/** One pass of the seed's leader: read what is due by its own clock, then move each (push to ready, remove from delay), then the cron occurrences. */
function* seedPass(ctx: NodeContext, options: SchedulerOptions): Workflow {
  /** One plain command; undefined when it got no answer or an error. */
  const raw = function* (command: RedisCommand): Generator<any, RedisValue | undefined, any> {
    const reply = yield* call<RedisReply>(options.store, command, options.timeout);
    return reply.ok && 'value' in reply.body ? reply.body.value : undefined;
  };
  const at = ctx.now();
  const due = yield* raw({ op: 'zrangebyscore', key: KEYS.delay, min: -Infinity, max: at });
  if (due === undefined) return;
  const ids = due as string[];
  for (const id of ids) {
    if ((yield* raw({ op: 'zadd', key: KEYS.ready, score: at, member: id })) === undefined) return;
    if ((yield* raw({ op: 'zrem', key: KEYS.delay, member: id })) === undefined) return;
  }
  const crons = yield* raw({ op: 'zrangebyscore', key: KEYS.crons, min: -Infinity, max: Infinity });
  if (crons === undefined) return;
  for (const name of crons as string[]) {
    const read = yield* raw({ op: 'hgetall', key: KEYS.cron(name) });
    if (read === undefined) return;
    const cron = read as Record<string, string>;
    let k = Number(cron.next);
    for (; Number(cron.start) + k * Number(cron.every) <= ctx.now() + Number(cron.every); k++) {
      const id = `${name}-${ctx.id}-${ctx.random.int(0, 1_000_000_000)}`;
      const created = yield* evalOn(options.store, 'create-task', [id, cron.type!, Number(cron.start) + k * Number(cron.every), Number(cron.max_retries), name, k], { by: ctx.id }, options.timeout);
      if (created === undefined) return;
    }
    yield* raw({ op: 'hset', key: KEYS.cron(name), fields: { next: String(k) } });
  }
}

/** One pass of the corrected leader: the fenced script, carrying its leadership token. */
function* correctedPass(ctx: NodeContext, options: SchedulerOptions, token: number): Workflow {
  const reply = yield* evalOn(options.store, 'promote-fenced', [token], { by: ctx.id }, options.timeout);
  if (reply && 'value' in reply && reply.value === -1) ctx.probe('stale leader refused by the fence');
}

/** Runs one pass at a time: a pass asked for while one is running is skipped. */
function passRunner(ctx: NodeContext, options: SchedulerOptions) {
  let running = false;
  return (token: number) => {
    if (running) return;
    running = true;
    ctx.spawn(
      (function* pass(): Workflow {
        if (options.promotion === 'corrected') yield* correctedPass(ctx, options, token);
        else yield* seedPass(ctx, options);
        running = false;
      })(),
    );
  };
}

/** The Raft state machine of leadership: a `lead` entry names the leader; its log index is the leader's token. */
type LeadCommand = { type: 'lead'; node: string; nonce: number };
type Leadership = { node: string | null; nonce: number; token: number };

/**
 * A scheduler on Raft: on election the new leader proposes a `lead` entry; once it
 * is committed and applied, the entry's log index is the leader's token, higher
 * than any earlier leader's, and every heartbeat (`leaderTick`) runs a pass with it.
 * A deposed leader that has not heard so yet (paused, partitioned) still ticks: the
 * store's fence is what stops it.
 */
function raftScheduler(options: SchedulerOptions): NodeModel {
  const machine = (ctx: NodeContext): StateMachine<LeadCommand, Leadership, null> => {
    const pass = passRunner(ctx, options);
    let nonce: number | undefined;
    return {
      initial: { node: null, nonce: 0, token: 0 },
      apply: (_state, command, index) => ({ state: { node: command.node, nonce: command.nonce, token: index }, result: null }),
      leaderTick(state) {
        if (nonce === undefined) {
          nonce = ctx.random.int(1, 1_000_000_000);
          return [{ type: 'lead', node: ctx.id, nonce }];
        }
        if (state.node === ctx.id && state.nonce === nonce) {
          ctx.annotate(() => ({ leading: `token ${state.token}` }));
          pass(state.token);
        }
        return [];
      },
      elected() {
        nonce = undefined;
        ctx.annotate({ leading: null });
      },
    };
  };
  return raftServer({ servers: options.schedulers, timing: options.raftTiming, machine });
}

/**
 * A scheduler on a lease: SET NX PX to take the lease key, renewal by compare-and-
 * extend, and the belief "I lead until my clock passes the time I asked + TTL".
 * A leader paused mid-pass resumes believing it still leads, as a GC-paused lock
 * holder does (Kleppmann, "How to do distributed locking", 2016).
 */
function leaseScheduler(options: SchedulerOptions): NodeModel {
  return (ctx) => {
    const pass = passRunner(ctx, options);
    let leadsUntil = -Infinity;
    let renewedAt = -Infinity;
    ctx.spawn(
      (function* loop(): Workflow {
        for (;;) {
          const asked = ctx.now();
          const leading = asked < leadsUntil;
          if (!leading || asked - renewedAt >= LEASE.renewEvery) {
            const command: RedisCommand = leading
              ? { op: 'pexpire-if-equal', key: KEYS.lease, value: ctx.id, ttl: LEASE.ttl }
              : { op: 'set-nx-px', key: KEYS.lease, value: ctx.id, ttl: LEASE.ttl };
            const reply = yield* call<RedisReply>(options.store, command, options.timeout);
            if (reply.ok && 'ok' in reply.body) {
              if (reply.body.ok !== leading) ctx.annotate({ leading: reply.body.ok ? 'lease' : null });
              leadsUntil = reply.body.ok ? asked + LEASE.ttl : -Infinity;
              if (reply.body.ok) renewedAt = asked;
            }
          }
          if (ctx.now() < leadsUntil) pass(0);
          yield* sleep(TIMINGS.poll);
        }
      })(),
    );
  };
}

export function scheduler(options: SchedulerOptions): NodeModel {
  if (options.election === 'lease' && options.promotion === 'corrected') throw new ConfigError('scheduler: the fenced promotion needs the Raft leadership token; use election raft');
  return options.election === 'raft' ? raftScheduler(options) : leaseScheduler(options);
}
