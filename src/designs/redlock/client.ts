import { callAll, ConfigError, follow, ms, sleep, type Micros, type NodeModel } from '../../kernel/index.js';
import { checkWorkTime, enter, leave, planOf, writeToStorage, type LockClientOptions, type LockOp, type LockScript } from '../locking/client.js';
import type { RedisReply } from '../redis/server.js';

export interface RedlockOptions extends LockClientOptions {
  /** The independent Redis masters (no replication between them). */
  servers: string[];
  /** Per-server timeout, small compared with the TTL, as the algorithm asks. */
  timeout: Micros;
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
 * 2. SET resource <random value> NX PX ttl on every master, each with a short timeout;
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
          const replies = yield* callAll<RedisReply>(
            options.servers.map((to) => ({ to, body: { op: 'set-nx-px', key: options.resource, value, ttl: options.ttl } })),
            options.timeout,
          );
          const granted = replies.filter((r) => r.ok && r.body.op === 'set-nx-px' && r.body.ok).map((r) => r.from);
          const elapsed = options.recheckClock === false ? 0 : ctx.now() - start;
          const validity = options.ttl - elapsed - driftAllowance(options.ttl);
          holds = granted.length >= quorum && validity > least;
          if (!holds) return false;
          ctx.log(`acquired on ${granted.join(', ')} (${granted.length}/${options.servers.length}), valid for ${validity}µs`);
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
          if (value !== undefined) yield* callAll(options.servers.map((to) => ({ to, body: { op: 'del-if-equal', key: options.resource, value } })), options.timeout);
          return undefined;
      }
    }
    ctx.spawn(follow(planOf(ctx, options.script, randomLoop), perform));
  };
}
