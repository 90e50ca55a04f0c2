import type { Micros, NodeModel } from '../../kernel/index.js';

export type IdempotencyRequest = { type: 'get'; key: string } | { type: 'set'; key: string; value: IdempotencyRecord; ttl: Micros };
export type IdempotencyReply = { type: 'value'; value: IdempotencyRecord | null } | { type: 'stored' };

/** What the seed caches under a key: `{"status": "completed", "result": result}`. */
export interface IdempotencyRecord {
  status: 'completed' | 'in_progress';
  result: unknown;
}

interface Entry {
  value: IdempotencyRecord;
  /** On the store's own wall clock, as a TTL is in Redis. */
  expiresAt: Micros;
}

/**
 * The seed's `idempotency_store`: a key-value store with a TTL per key (the textbook
 * keeps keys 24 h), durable across crashes. It offers only get and set: there is no
 * atomic "set if absent", which is why the seed cannot reserve a key with it.
 */
export function idempotencyStore(): NodeModel<IdempotencyRequest> {
  return (ctx) => ({
    onMessage(request, envelope) {
      const diskKey = `idem/${request.key}`;
      if (request.type === 'set') {
        ctx.disk.set(diskKey, { value: request.value, expiresAt: ctx.now() + request.ttl } satisfies Entry);
        ctx.reply(envelope, { type: 'stored' } satisfies IdempotencyReply);
        return;
      }
      const entry = ctx.disk.get<Entry>(diskKey);
      if (entry && entry.expiresAt <= ctx.now()) ctx.disk.delete(diskKey);
      const live = entry && entry.expiresAt > ctx.now() ? entry.value : null;
      ctx.reply(envelope, { type: 'value', value: live } satisfies IdempotencyReply);
    },
  });
}
