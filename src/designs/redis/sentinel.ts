import { call, sleep, type Micros, type NodeModel } from '../../kernel/index.js';

export type SentinelQuery = { op: 'who-is-primary' };
export type SentinelAnswer = { op: 'primary'; node: string };

export interface SentinelOptions {
  primary: string;
  replica: string;
  /** How often the sentinel pings the primary. */
  pingInterval: Micros;
  /** Consecutive unanswered pings before it fails over. */
  missedPings: number;
}

/**
 * Redis Sentinel, reduced to what a failover does to a lock: it pings the primary,
 * and after enough silence promotes the replica and tells clients to use it.
 */
export function sentinel(options: SentinelOptions): NodeModel<SentinelQuery> {
  return (ctx) => {
    let current = options.primary;
    ctx.spawn(
      (function* monitor() {
        let missed = 0;
        while (current === options.primary) {
          const pong = yield* call(current, { op: 'get', key: '__ping__' }, options.pingInterval);
          missed = pong.ok ? 0 : missed + 1;
          if (missed >= options.missedPings) {
            ctx.log(() => `${options.primary} missed ${missed} pings: promoting ${options.replica}`);
            ctx.send(options.replica, { op: 'promote' });
            current = options.replica;
          } else if (pong.ok) {
            yield* sleep(options.pingInterval);
          }
        }
      })(),
    );
    return {
      onMessage(_query, envelope) {
        ctx.reply(envelope, { op: 'primary', node: current } satisfies SentinelAnswer);
      },
    };
  };
}
