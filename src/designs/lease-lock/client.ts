import { call, ConfigError, ms, sleep, type Micros, type NodeModel } from '../../kernel/index.js';
import { checkWorkTime, criticalSection, type LockClientOptions } from '../locking/client.js';
import type { LeaseReply } from './server.js';

export interface LeaseClientOptions extends LockClientOptions {
  lockServer: string;
  /** The textbook renews every 10 s on a 30 s lease: a third of the TTL. */
  renewEvery: Micros;
}

/** How long a client waits before asking again for a lease another client holds. */
const RETRY_EVERY = ms(100);

/**
 * A lease-lock client: acquire (retrying every 100 ms), keep the lease alive in the
 * background, work, write to the storage with its fencing token, release. A stop-
 * the-world pause freezes the renewals too, so the lease can lapse while the client
 * still believes it holds it: only the storage's token check stops its late write.
 */
export function leaseClient(options: LeaseClientOptions): NodeModel {
  checkWorkTime(options.work, options.ttl);
  if (!(options.renewEvery > 0 && options.renewEvery < options.ttl)) throw new ConfigError('renewEvery must be positive and shorter than the TTL');
  return (ctx) => {
    const { resource, lockServer } = options;
    let held: number | undefined;
    function* renewals(token: number) {
      while (held === token) {
        yield* sleep(options.renewEvery);
        if (held !== token) return;
        const renewed = yield* call<LeaseReply>(lockServer, { op: 'renew', resource, client: ctx.id, token, ttl: options.ttl }, options.timeout);
        if (renewed.ok && renewed.body.op === 'renew' && !renewed.body.ok) ctx.log(`renewal of token ${token} refused`);
      }
    }
    ctx.spawn(
      (function* loop() {
        for (;;) {
          const acquired = yield* call<LeaseReply>(lockServer, { op: 'acquire', resource, client: ctx.id, ttl: options.ttl }, options.timeout);
          if (!acquired.ok || acquired.body.op !== 'acquire' || !acquired.body.granted) {
            yield* sleep(RETRY_EVERY);
            continue;
          }
          const token = acquired.body.token;
          held = token;
          ctx.spawn(renewals(token));
          yield* criticalSection(ctx, { ...options, token });
          held = undefined;
          yield* call(lockServer, { op: 'release', resource, client: ctx.id, token }, options.timeout);
          yield* sleep(ctx.random.int(ms(10), ms(50)));
        }
      })(),
    );
  };
}
