import { call, ConfigError, follow, sleep, type Micros, type NodeModel } from '../../kernel/index.js';
import { checkWorkTime, enter, leave, planOf, writeToStorage, type LockClientOptions, type LockOp, type LockScript, type WorkTime } from '../locking/client.js';
import type { RedisReply } from '../redis/server.js';
import type { SentinelAnswer } from '../redis/sentinel.js';

export interface RedisLockClientOptions extends LockClientOptions {
  sentinel: string;
  /** Time between rounds: how long the lock sits idle between one client's uses. */
  think: WorkTime;
  /** Per-command timeout; after it the client asks the sentinel where the primary is. */
  timeout: Micros;
  /** Steps typed in instead of the random loop (see `LockOp`). */
  script?: LockScript;
}

/** How an attempt ended: the lock won, refused (another holds it), or no primary answered. */
type Attempt = 'granted' | 'refused' | 'unreachable';

/**
 * The textbook single-Redis lock: SET key <random value> NX PX ttl, work, then
 * release with compare-and-delete so a client never deletes another's lock.
 * It trusts one primary; when that primary fails over to a replica that has not
 * yet received the key, a second client can take the same lock.
 */
export function redisLockClient(options: RedisLockClientOptions): NodeModel {
  checkWorkTime(options.work, options.ttl);
  if (options.timeout <= 0) throw new ConfigError('timeout must be positive');
  return (ctx) => {
    let primary: string | undefined;
    /** The value of the lock this client holds, if it believes it holds one. */
    let held: string | undefined;
    /** The random loop, as steps: an unreachable primary is asked again at once (after asking the sentinel). */
    function* randomLoop(): Generator<LockOp, void, Attempt | undefined> {
      for (;;) {
        const attempt = yield { kind: 'acquire' };
        if (attempt === 'unreachable') continue;
        if (attempt === 'granted') {
          yield { kind: 'wait', duration: ctx.random.int(options.work.min, options.work.max) };
          yield { kind: 'write' };
          yield { kind: 'release' };
        }
        yield { kind: 'wait', duration: ctx.random.int(options.think.min, options.think.max) };
      }
    }
    function* perform(step: LockOp) {
      switch (step.kind) {
        case 'acquire': {
          while (primary === undefined) {
            const answer = yield* call<SentinelAnswer>(options.sentinel, { op: 'who-is-primary' }, options.timeout);
            if (answer.ok) primary = answer.body.node;
          }
          const value = ctx.random.hex();
          const set = yield* call<RedisReply>(primary, { op: 'set-nx-px', key: options.resource, value, ttl: options.ttl }, options.timeout);
          if (!set.ok || set.body.op === 'error') {
            primary = undefined;
            return 'unreachable';
          }
          if (set.body.op !== 'set-nx-px' || !set.body.ok) return 'refused';
          held = value;
          enter(ctx, options.resource);
          return 'granted';
        }
        case 'wait':
          yield* sleep(step.duration);
          return undefined;
        case 'write':
          if (held === undefined) ctx.log('holds no lock: not writing');
          else yield* writeToStorage(ctx, options);
          return undefined;
        case 'release': {
          if (held === undefined) return undefined;
          const value = held;
          leave(ctx, options.resource);
          held = undefined;
          yield* call(primary!, { op: 'del-if-equal', key: options.resource, value }, options.timeout);
          return undefined;
        }
      }
    }
    ctx.spawn(follow(planOf(ctx, options.script, randomLoop), perform));
  };
}
