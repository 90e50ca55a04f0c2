import { call, callAll, ConfigError, follow, ms, sleep, type Effect, type Micros, type NodeContext, type NodeModel, type Reply } from '../../kernel/index.js';
import { checkWorkTime, enter, leave, planOf, writeToStorage, type LockClientOptions, type LockOp, type LockScript } from '../locking/client.js';
import type { RedisCommand, RedisReply } from '../redis/server.js';

export interface RedlockOptions extends LockClientOptions {
  /** The independent Redis masters (no replication between them). */
  servers: string[];
  /**
   * How long a parallel acquire waits for all the masters' answers, and the unlock
   * for theirs: small compared with the TTL, as the algorithm asks.
   */
  timeout: Micros;
  /**
   * How step 2 asks the masters. `parallel`: all at once, waiting up to `timeout` for
   * every answer (as node-redlock does), so one unreachable master costs the whole
   * timeout. `sequential`: as the step is written on redis.io ("it tries to acquire the
   * lock in all the N instances sequentially"), one master after another, each with
   * its own `requestTimeout`, the elapsed time checked against the validity in step 3.
   */
  acquire?: 'parallel' | 'sequential';
  /**
   * Sequential only: how long the client waits for one master before it tries the
   * next, "a timeout which is small compared to the total lock auto-release time"
   * (step 2), so "if an instance is not available, we should try to talk with the next
   * instance ASAP". Unset, a request may take all that is left of the acquire budget
   * (the TTL less the drift allowance: beyond it no validity remains), and an
   * unreachable master eats the whole validity.
   */
  requestTimeout?: Micros;
  /**
   * When the lock counts as acquired (step 3): `positive`, a validity time above 0,
   * as the published algorithm says; `covers-work`, a validity time longer than the
   * longest work, so the client never works past it (the stricter check the random
   * scenarios use).
   */
  validity?: 'positive' | 'covers-work';
  /**
   * `false`: the client does not read its clock again after the replies come, and
   * takes the whole TTL (less the drift allowance) as its validity: the mistake the
   * published step 3 guards against by subtracting the time acquiring took.
   */
  recheckClock?: boolean;
  /** Steps typed in instead of the random loop (see `LockOp`). */
  script?: LockScript;
}

/**
 * The clock drift allowance of step 3: 1% of the TTL plus 2 ms, as the reference
 * implementations (redlock-rb, redlock-py) add it: "to account for Redis expires
 * precision, which is 1 millisecond, plus 1 millisecond min drift for small TTLs".
 */
const driftAllowance = (ttl: Micros): Micros => Math.floor(ttl / 100) + ms(2);

/**
 * Redlock as published (redis.io, "Distributed Locks with Redis"):
 * 1. note the start time on the client's clock;
 * 2. SET resource <random value> NX PX ttl on every master, each with a short timeout
 *    (all at once, or one after another as the step is written: `acquire`);
 * 3. the lock is acquired if a majority said yes and the validity time
 *    ttl − elapsed − drift allowance (1% of the ttl + 2 ms) is positive;
 * 4. the client may then work for at most the validity time;
 * 5. on failure, or when done, it unlocks every master (compare-and-delete).
 * It assumes the masters' clocks all advance at about the same rate: a master whose
 * clock jumps forward expires the key early and lets a second client in.
 */
export function redlockClient(options: RedlockOptions): NodeModel {
  const quorum = Math.floor(options.servers.length / 2) + 1;
  if (options.servers.length < 3) throw new ConfigError(`Redlock needs at least 3 masters (got ${options.servers.length})`);
  checkWorkTime(options.work, options.ttl);
  if (options.timeout * 10 > options.ttl) throw new ConfigError('the per-server timeout must be small compared with the TTL (at most a tenth)');
  const sequential = options.acquire === 'sequential';
  if (options.requestTimeout !== undefined) {
    if (!sequential) throw new ConfigError("Redlock: requestTimeout is the wait for one master of a sequential acquire: set acquire: 'sequential', or leave it out (a parallel acquire waits `timeout` for all)");
    if (!(Number.isSafeInteger(options.requestTimeout) && options.requestTimeout > 0 && options.requestTimeout * 10 <= options.ttl)) {
      throw new ConfigError(`Redlock: requestTimeout must be above 0 and small compared with the TTL (at most a tenth, ${options.ttl / 10}µs), not ${options.requestTimeout}`);
    }
  }
  if (sequential && options.recheckClock === false) throw new ConfigError("Redlock: a sequential acquire reads its clock before every request to keep to its budget; recheckClock: false applies to acquire: 'parallel'");
  const least = options.validity === 'covers-work' ? options.work.max : 0;
  return (ctx) => {
    /** The random value of the latest attempt, and whether it won the lock. */
    let value: string | undefined;
    let holds = false;
    /** The random loop, as steps: try, and if acquired work and write; unlock everywhere either way; rest. */
    function* randomLoop(): Generator<LockOp, void, boolean | undefined> {
      for (;;) {
        if (yield { kind: 'acquire' }) {
          yield { kind: 'wait', duration: ctx.random.int(options.work.min, options.work.max) };
          yield { kind: 'write' };
        }
        yield { kind: 'release' };
        yield { kind: 'wait', duration: ctx.random.int(ms(5), ms(30)) };
      }
    }
    function* perform(step: LockOp) {
      switch (step.kind) {
        case 'acquire': {
          value = ctx.random.hex();
          const start = ctx.now();
          const granted = sequential ? yield* acquireOneByOne(ctx, options, value, start) : yield* acquireAtOnce(options, value);
          const elapsed = options.recheckClock === false ? 0 : ctx.now() - start;
          const validity = options.ttl - elapsed - driftAllowance(options.ttl);
          holds = granted.length >= quorum && validity > least;
          if (!holds) return false;
          if (sequential && granted.length < options.servers.length) ctx.probe('redlock: locked one master after another, past one that did not grant');
          ctx.log(() => `acquired on ${granted.join(', ')} (${granted.length}/${options.servers.length}), valid for ${validity}µs`);
          enter(ctx, options.resource);
          return true;
        }
        case 'wait':
          yield* sleep(step.duration);
          return undefined;
        case 'write':
          if (!holds) ctx.log('holds no lock: not writing');
          else yield* writeToStorage(ctx, options);
          return undefined;
        case 'release':
          if (holds) leave(ctx, options.resource);
          holds = false;
          if (value !== undefined) yield* callAll(toEveryMaster(options, { op: 'del-if-equal', key: options.resource, value }), options.timeout);
          return undefined;
      }
    }
    ctx.spawn(follow(planOf(ctx, options.script, randomLoop), perform));
  };
}

const setNxPx = (options: RedlockOptions, value: string): RedisCommand => ({ op: 'set-nx-px', key: options.resource, value, ttl: options.ttl });
/** The same command to every master: one body, shared by the requests (a message's body is never changed). */
const toEveryMaster = (options: RedlockOptions, body: RedisCommand) => options.servers.map((to) => ({ to, body }));
const isGrant = (reply: Reply<RedisReply>) => reply.ok && reply.body.op === 'set-nx-px' && reply.body.ok;

/** Step 2, all masters at once: the masters that granted within `timeout`. */
function* acquireAtOnce(options: RedlockOptions, value: string): Generator<Effect, string[], any> {
  const replies = yield* callAll<RedisReply>(toEveryMaster(options, setNxPx(options, value)), options.timeout);
  return replies.filter(isGrant).map((r) => r.from);
}

/**
 * Step 2 as written: one master after another, each given `requestTimeout` (or what
 * is left of the budget, if less). Once the budget (the TTL less the drift allowance)
 * is spent no validity can remain, so the masters not yet asked could not help.
 */
function* acquireOneByOne(ctx: NodeContext, options: RedlockOptions, value: string, start: Micros): Generator<Effect, string[], any> {
  const budget = options.ttl - driftAllowance(options.ttl);
  const granted: string[] = [];
  for (const to of options.servers) {
    const left = budget - (ctx.now() - start);
    if (left <= 0) {
      ctx.log(() => `acquire budget spent after ${ctx.now() - start}µs: not asking the remaining masters`);
      break;
    }
    const reply = yield* call<RedisReply>(to, setNxPx(options, value), Math.min(options.requestTimeout ?? left, left));
    if (isGrant(reply)) granted.push(to);
  }
  return granted;
}
