import { callAll, ConfigError, ms, sleep, type Micros, type NodeModel } from '../../kernel/index.js';
import { checkWorkTime, criticalSection, type LockClientOptions } from '../locking/client.js';
import type { RedisReply } from '../redis/server.js';

export interface RedlockOptions extends LockClientOptions {
  /** The independent Redis masters (no replication between them). */
  servers: string[];
  /** Per-server timeout, small compared with the TTL, as the algorithm asks. */
  timeout: Micros;
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
  return (ctx) => {
    const unlockAll = (value: string) =>
      callAll(options.servers.map((to) => ({ to, body: { op: 'del-if-equal', key: options.resource, value } })), options.timeout);
    ctx.spawn(
      (function* loop() {
        for (;;) {
          const value = ctx.random.hex();
          const start = ctx.now();
          const replies = yield* callAll<RedisReply>(
            options.servers.map((to) => ({ to, body: { op: 'set-nx-px', key: options.resource, value, ttl: options.ttl } })),
            options.timeout,
          );
          const granted = replies.filter((r) => r.ok && r.body.op === 'set-nx-px' && r.body.ok).map((r) => r.from);
          const elapsed = ctx.now() - start;
          const drift = driftAllowance(options.ttl);
          const validity = options.ttl - elapsed - drift;
          if (granted.length >= quorum && validity > options.work.max) {
            ctx.log(`acquired on ${granted.join(', ')} (${granted.length}/${options.servers.length}), valid for ${validity}µs`);
            yield* criticalSection(ctx, options);
          }
          yield* unlockAll(value);
          yield* sleep(ctx.random.int(ms(5), ms(30)));
        }
      })(),
    );
  };
}
