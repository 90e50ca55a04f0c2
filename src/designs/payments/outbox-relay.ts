import { call, sleep, type Micros, type NodeModel } from '../../kernel/index.js';
import type { DbReply, Row } from './database.js';
import type { PaymentEvent } from './events.js';
import type { QueueReply, QueueRequest } from './queue.js';

export interface RelayOptions {
  db: string;
  queue: string;
  pollEvery: Micros;
  batch: number;
  timeout: Micros;
}

export const outboxEvent = (row: Row): PaymentEvent => ({
  id: `evt-${String(row.id)}`,
  type: String(row.type),
  subject: String(row.subject),
  payment: String(row.payment),
  amount: Number(row.amount),
});

/**
 * The outbox relay: reads committed outbox rows in order and publishes each until
 * the queue acknowledges it, and only then moves its cursor (on its disk). A crash
 * between the acknowledgement and the cursor write publishes the row again: at
 * least once, never lost.
 */
export function outboxRelay(options: RelayOptions): NodeModel {
  return (ctx) => {
    ctx.spawn(
      (function* relay() {
        for (;;) {
          const cursor = ctx.disk.get<number>('cursor') ?? 0;
          const read = yield* call<DbReply>(options.db, { type: 'tx', ops: [{ op: 'scan', table: 'outbox', afterSeq: cursor, limit: options.batch }] }, options.timeout);
          const rows = read.ok && read.body.type === 'committed' ? (read.body.results[0] as Row[]) : [];
          for (const row of rows) {
            for (;;) {
              const published = yield* call<QueueReply>(options.queue, { type: 'publish', event: outboxEvent(row) } satisfies QueueRequest, options.timeout);
              if (published.ok) break;
              yield* sleep(options.pollEvery);
            }
            ctx.disk.set('cursor', Number(row.seq));
          }
          if (rows.length < options.batch) yield* sleep(options.pollEvery);
        }
      })(),
    );
  };
}
