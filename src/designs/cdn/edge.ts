import { call, type Envelope, type Micros, type NodeModel } from '../../kernel/index.js';
import { bitsOfKey } from './content.js';
import { cdnFact } from './facts.js';
import type { OriginReply, OriginRequest } from './origin.js';

export type EdgeRequest = { op: 'get'; segment: string };
export type EdgeReply = { ok: true; bits: number } | { ok: false };
export type Heartbeat = { op: 'heartbeat' };

export interface EdgeOptions {
  origin: string;
  steering: string;
  /** How long a fetched segment is served before it is fetched again (its freshness lifetime, HTTP max-age), on this edge's clock. */
  ttl: Micros;
  /**
   * Request coalescing (collapsed forwarding): while a segment is being fetched, later
   * misses for it wait on that fetch instead of fetching it again. nginx's
   * `proxy_cache_lock`, Varnish's request coalescing, Fastly's request collapsing.
   */
  coalescing: boolean;
  /** How long a fetch from the origin may take before the waiting clients are told to go elsewhere. */
  fetchTimeout: Micros;
  heartbeatEvery: Micros;
}

/**
 * An edge cache (an Open Connect appliance in Netflix's network): it serves a
 * segment it holds and has not expired, and fetches anything else from the origin.
 * Its cache is in memory: a restarted edge comes back empty. It tells the steering
 * service it is alive every `heartbeatEvery`.
 */
export function edge(options: EdgeOptions): NodeModel<EdgeRequest> {
  return (ctx) => {
    /** Segment key → when it expires, on this edge's clock. */
    const cache = new Map<string, Micros>();
    /** Segment key → the requests waiting on its fetch (coalescing only). */
    const waiting = new Map<string, Envelope<EdgeRequest>[]>();
    let fetching = 0;
    const show = () => ctx.annotate({ cached: cache.size, fetching });

    function* fetch(segment: string, requests: Envelope<EdgeRequest>[]) {
      fetching++;
      show();
      const reply = yield* call<OriginReply>(options.origin, { op: 'fetch', segment } satisfies OriginRequest, options.fetchTimeout);
      fetching--;
      const answered = options.coalescing ? waiting.get(segment)! : requests;
      waiting.delete(segment);
      if (reply.ok) cache.set(segment, ctx.now() + options.ttl);
      for (const request of answered) ctx.reply(request, (reply.ok ? { ok: true, bits: reply.body.bits } : { ok: false }) satisfies EdgeReply);
      show();
    }

    const beat = () => {
      ctx.send(options.steering, { op: 'heartbeat' } satisfies Heartbeat);
      ctx.setTimer(options.heartbeatEvery);
    };
    beat();

    return {
      onTimer: beat,
      onMessage(msg, envelope) {
        const { segment } = msg;
        const expires = cache.get(segment);
        if (expires !== undefined && ctx.now() < expires) {
          cdnFact(ctx, 'edge-request', { client: envelope.from, segment, outcome: 'hit' });
          return ctx.reply(envelope, { ok: true, bits: bitsOfKey(segment) } satisfies EdgeReply);
        }
        if (expires !== undefined) {
          cache.delete(segment);
          ctx.probe('cached segment expired');
        }
        const inFlight = options.coalescing ? waiting.get(segment) : undefined;
        if (inFlight) {
          inFlight.push(envelope);
          ctx.probe('request coalesced');
          return cdnFact(ctx, 'edge-request', { client: envelope.from, segment, outcome: 'coalesced' });
        }
        cdnFact(ctx, 'edge-request', { client: envelope.from, segment, outcome: 'miss' });
        if (options.coalescing) waiting.set(segment, [envelope]);
        ctx.spawn(fetch(segment, [envelope]));
      },
    };
  };
}
