import { call, sleep, type Micros, type NodeModel } from '../../kernel/index.js';

export interface MonitorOptions {
  /** The servers in order of succession; the first is the primary at start. */
  servers: string[];
  pingInterval: Micros;
  /** Consecutive unanswered pings before the monitor fails over. */
  missedPings: number;
}

/**
 * The failover monitor: it pings the primary and, after enough silence, promotes
 * the next server in line, telling it which servers are left to replicate to.
 * It cannot tell a dead primary from a slow one; it only counts missed pings.
 */
export function failoverMonitor(options: MonitorOptions): NodeModel {
  return (ctx) => {
    ctx.spawn(
      (function* watch() {
        const failed = new Set<string>();
        let primary = options.servers[0]!;
        let epoch = 0;
        let missed = 0;
        for (;;) {
          const pong = yield* call(primary, { op: 'ping' }, options.pingInterval);
          if (pong.ok) {
            missed = 0;
            yield* sleep(options.pingInterval);
            continue;
          }
          if (++missed < options.missedPings) continue;
          failed.add(primary);
          const next = options.servers.find((s) => !failed.has(s));
          if (next === undefined) return ctx.log(() => `${primary} missed ${missed} pings and no server is left to promote`);
          const backups = options.servers.filter((s) => s !== next && !failed.has(s));
          ctx.log(() => `${primary} missed ${missed} pings: promoting ${next}`);
          ctx.send(next, { op: 'promote', epoch: ++epoch, backups });
          primary = next;
          missed = 0;
        }
      })(),
    );
  };
}
