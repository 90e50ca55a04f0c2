import type { NodeModel } from '../../kernel/index.js';
import { postingsFor } from './events.js';
import { paymentsFact } from './facts.js';
import type { Delivery, DeliveryAck } from './queue.js';

export interface ConsumerOptions {
  /** Remember applied event ids (on disk, in the same step as the effect) and skip repeats. */
  dedupe: boolean;
}

/**
 * A consumer of payment events: applies each event's effect, then acknowledges.
 * With de-duplication the id of every applied event is kept on disk in the same
 * step as the effect, so a redelivered copy is acknowledged without applying it again.
 *
 * Fact (`facts.ts`): `event-consumed`, whose `duplicate` says the copy was recognised
 * and skipped; the effect was applied iff it is false.
 */
function consumer(options: ConsumerOptions, apply: (ctx: Parameters<NodeModel>[0], delivery: Delivery) => void): NodeModel<Delivery> {
  return (ctx) => ({
    onMessage(delivery, envelope) {
      const { event } = delivery;
      const duplicate = options.dedupe && ctx.disk.get(`applied/${event.id}`) === true;
      paymentsFact(ctx, 'event-consumed', { consumer: ctx.id, event: event.id, type: event.type, subject: event.subject, payment: event.payment, duplicate });
      if (duplicate) ctx.probe('consumer skipped a duplicate event');
      if (!duplicate) {
        apply(ctx, delivery);
        if (options.dedupe) ctx.disk.set(`applied/${event.id}`, true);
      }
      ctx.reply(envelope, { type: 'ack', offset: delivery.offset } satisfies DeliveryAck);
    },
  });
}

/**
 * The double-entry ledger: books `postingsFor(event)` per payment and account, on disk.
 * Fact: `ledger-posted`.
 */
export function ledger(options: ConsumerOptions): NodeModel<Delivery> {
  return consumer(options, (ctx, { event }) => {
    const lines = postingsFor(event);
    if (lines.length === 0) return;
    for (const line of lines) {
      const key = `balance/${event.payment}/${line.account}`;
      ctx.disk.set(key, (ctx.disk.get<number>(key) ?? 0) + line.amount);
    }
    paymentsFact(ctx, 'ledger-posted', { event: event.id, type: event.type, payment: event.payment, lines });
  });
}

/** Sends the customer a message per event (the effect is the message: a repeat is a second email). */
export function notifications(options: ConsumerOptions): NodeModel<Delivery> {
  return consumer(options, (ctx, { event }) => ctx.log(() => `notify customer: ${event.type} for ${event.payment}`));
}
