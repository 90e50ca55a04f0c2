import { ConfigError, type NodeModel } from '../../kernel/index.js';
import type { PaymentEvent } from './events.js';

export type QueueRequest = { type: 'publish'; event: PaymentEvent };
export type QueueReply = { type: 'published' };
/** What a consumer receives; it acknowledges by replying with a `DeliveryAck`. */
export type Delivery = { type: 'deliver'; offset: number; event: PaymentEvent };
export type DeliveryAck = { type: 'ack'; offset: number };

export interface QueueOptions {
  consumers: readonly string[];
  /** How often unacknowledged deliveries are sent again. */
  redeliverEvery: number;
  /** Deliveries in flight per consumer. */
  window: number;
}

/**
 * A durable message queue with at-least-once delivery: the log and each consumer's
 * acknowledged offset are on disk; everything past the offset is pushed again until
 * acknowledged. It does not de-duplicate what is published twice.
 */
export function messageQueue(options: QueueOptions): NodeModel<QueueRequest | DeliveryAck> {
  if (options.consumers.length === 0) throw new ConfigError('message queue: at least one consumer is needed');
  return (ctx) => {
    const length = () => ctx.disk.get<number>('log-length') ?? 0;
    const offsetOf = (consumer: string) => ctx.disk.get<number>(`acked/${consumer}`) ?? 0;
    /** Acknowledged out of order, above the consumer's offset: volatile, only saves resends. */
    const ackedAbove = new Map(options.consumers.map((c) => [c, new Set<number>()]));

    const push = (consumer: string) => {
      const from = offsetOf(consumer);
      const to = Math.min(length(), from + options.window);
      for (let offset = from; offset < to; offset++) {
        if (ackedAbove.get(consumer)!.has(offset)) continue;
        const delivery: Delivery = { type: 'deliver', offset, event: ctx.disk.get<PaymentEvent>(`log/${offset}`)! };
        ctx.send(consumer, delivery);
      }
    };
    const tick = () => {
      for (const consumer of options.consumers) push(consumer);
      ctx.setTimer(options.redeliverEvery, 'redeliver');
    };
    tick();
    return {
      onMessage(msg, envelope) {
        if (msg.type === 'publish') {
          const n = length();
          ctx.disk.set(`log/${n}`, msg.event);
          ctx.disk.set('log-length', n + 1);
          ctx.reply(envelope, { type: 'published' } satisfies QueueReply);
          for (const consumer of options.consumers) {
            if (n < offsetOf(consumer) + options.window) ctx.send(consumer, { type: 'deliver', offset: n, event: msg.event } satisfies Delivery);
          }
          return;
        }
        const acked = ackedAbove.get(envelope.from);
        if (acked === undefined || msg.offset < offsetOf(envelope.from)) return;
        acked.add(msg.offset);
        let offset = offsetOf(envelope.from);
        while (acked.delete(offset)) offset++;
        ctx.disk.set(`acked/${envelope.from}`, offset);
      },
      onTimer() {
        tick();
      },
    };
  };
}
