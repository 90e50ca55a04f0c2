import { ConfigError, seconds, sleep, type Micros, type NodeModel, type Random } from '../../kernel/index.js';
import type { IdRequest } from './node.js';

/** One request for `count` IDs, from a client to a node, at a true time (the client's clock does not drift). */
export interface PlannedRequest {
  at: Micros;
  client: string;
  node: string;
  count: number;
}

export interface WorkloadOptions {
  clients: readonly string[];
  nodes: readonly string[];
  /** True-time window the requests fall in. */
  window: [Micros, Micros];
  /** Requests per second per client, on average (gaps uniform in [0, 2/rate]). */
  rate: number;
  /** IDs per request, uniform in [min, max]: a batch, as an application inserting rows in bulk asks for. */
  count: [number, number];
}

/** Draws every request of the run before it starts: the workload is plain data (it could be scripted). */
export function drawWorkload(random: Random, options: WorkloadOptions): PlannedRequest[] {
  if (!(options.rate > 0)) throw new ConfigError('workload: rate must be positive');
  if (!(options.count[0] >= 1 && options.count[0] <= options.count[1])) throw new ConfigError('workload: count must be [min, max] with 1 <= min <= max');
  if (options.nodes.length === 0 || options.clients.length === 0) throw new ConfigError('workload: needs clients and nodes');
  const meanGap = Math.round(seconds(1) / options.rate);
  const plan: PlannedRequest[] = [];
  for (const client of options.clients) {
    for (let at = options.window[0] + random.int(0, 2 * meanGap); at <= options.window[1]; at += random.int(1, 2 * meanGap)) {
      plan.push({ at, client, node: random.pick(options.nodes), count: random.int(options.count[0], options.count[1]) });
    }
  }
  return plan.sort((a, b) => a.at - b.at);
}

/**
 * An application server that asks for IDs as the plan says, without waiting for
 * answers (each request is a call of its own) and without retrying: what it was
 * refused is counted at the node. Clients are never crashed or paused.
 */
export function idClient(plan: readonly PlannedRequest[]): NodeModel {
  return (ctx) => {
    const mine = plan.filter((request) => request.client === ctx.id);
    ctx.spawn(
      (function* send() {
        let now = 0;
        for (const request of mine) {
          if (request.at > now) yield* sleep(request.at - now);
          now = request.at;
          ctx.send(request.node, { op: 'next-ids', count: request.count } satisfies IdRequest);
        }
      })(),
    );
  };
}
