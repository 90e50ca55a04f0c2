import { call, ConfigError, sleep, type Micros, type NodeModel } from '../../kernel/index.js';
import { checkWorkTime, criticalSection, type LockClientOptions, type WorkTime } from '../locking/client.js';
import type { RedisReply } from '../redis/server.js';
import type { SentinelAnswer } from '../redis/sentinel.js';

export interface RedisLockClientOptions extends LockClientOptions {
  sentinel: string;
  /** Time between rounds: how long the lock sits idle between one client's uses. */
  think: WorkTime;
  /** Per-command timeout; after it the client asks the sentinel where the primary is. */
  timeout: Micros;
}

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
    ctx.spawn(
      (function* loop() {
        let primary: string | undefined;
        for (;;) {
          if (primary === undefined) {
            const answer = yield* call<SentinelAnswer>(options.sentinel, { op: 'who-is-primary' }, options.timeout);
            if (!answer.ok) continue;
            primary = answer.body.node;
          }
          const value = ctx.random.hex();
          const set = yield* call<RedisReply>(primary, { op: 'set-nx-px', key: options.resource, value, ttl: options.ttl }, options.timeout);
          if (!set.ok || set.body.op === 'error') {
            primary = undefined;
            continue;
          }
          if (set.body.op === 'set-nx-px' && set.body.ok) {
            yield* criticalSection(ctx, options);
            yield* call(primary, { op: 'del-if-equal', key: options.resource, value }, options.timeout);
          }
          yield* sleep(ctx.random.int(options.think.min, options.think.max));
        }
      })(),
    );
  };
}
