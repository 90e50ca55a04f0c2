import { call, ms, sleep, type Effect, type Micros, type NodeContext } from '../../kernel/index.js';
import type { NetworkReply, NetworkRequest } from './card-network.js';
import type { DbOp, DbReply, Row } from './database.js';
import { eventType, type PaymentEvent } from './events.js';
import type { QueueReply, QueueRequest } from './queue.js';

/**
 * How events leave the service: `outbox` writes them as rows in the same transaction
 * as the change they announce (a relay publishes them later); `dual-write` commits,
 * then publishes to the queue itself, so a crash or a lost message in between loses the event.
 */
export type Publishing = 'outbox' | 'dual-write';

/** Where things are and how long to wait: what the service and the reconciliation job share. */
export interface PaymentsWiring {
  db: string;
  network: string;
  queue: string;
  publishing: Publishing;
  /** A refund the network declined is cancelled (compensated); without it the reservation stays. */
  compensation: boolean;
  dbTimeout: Micros;
  networkTimeout: Micros;
  /** How often a network call that got no answer is tried again, with the same key. */
  networkAttempts: number;
}

type EventDraft = Omit<PaymentEvent, 'id'>;
type Gen<T> = Generator<Effect, T, any>;

export const statusEvent = (table: 'payments' | 'refunds', row: Row, status: string): EventDraft => ({
  type: eventType(table, status),
  subject: String(row.id),
  payment: table === 'payments' ? String(row.id) : String(row.payment),
  amount: Number(row.amount),
});

/** Commits `ops` and announces `events`: in the same transaction (outbox) or after it (dual write). */
export function* commit(ctx: NodeContext, wiring: PaymentsWiring, ops: DbOp[], events: EventDraft[]): Gen<DbReply | undefined> {
  const outboxRows: DbOp[] = wiring.publishing === 'outbox' ? events.map((e) => ({ op: 'insert', table: 'outbox', row: { ...e } })) : [];
  const reply = yield* call<DbReply>(wiring.db, { type: 'tx', ops: [...ops, ...outboxRows] }, wiring.dbTimeout);
  if (!reply.ok) {
    ctx.log(() => `database did not answer within ${wiring.dbTimeout / ms(1)}ms: the transaction may or may not have committed`);
    return undefined;
  }
  if (wiring.publishing === 'dual-write' && reply.body.type === 'committed') {
    for (const event of events) {
      const published = yield* call<QueueReply>(wiring.queue, { type: 'publish', event: { ...event, id: `dw-${ctx.id}-${ctx.random.hex()}` } } satisfies QueueRequest, wiring.dbTimeout);
      if (!published.ok) ctx.log(() => `dual write: committed, but publishing ${event.type} for ${event.subject} failed; the event is lost`);
    }
  }
  return reply.body;
}

/** A network call, tried again on silence or error with the same request (so with the same key). */
export function* askNetwork(wiring: PaymentsWiring, request: NetworkRequest, attempts = wiring.networkAttempts): Gen<NetworkReply | undefined> {
  for (let attempt = 1; attempt <= attempts; attempt++) {
    const reply = yield* call<NetworkReply>(wiring.network, request, wiring.networkTimeout);
    if (reply.ok && reply.body.type !== 'error') return reply.body;
    if (attempt < attempts) yield* sleep(ms(50) * attempt);
  }
  return undefined;
}

/** A move of a payment from one status to the next, and what else to set on its row with it. */
export interface StatusChange {
  from: string;
  to: string;
  set?: Row;
}

/** Moves a payment from one status to the next (compare-and-set) and announces it. */
export function* recordStatus(ctx: NodeContext, wiring: PaymentsWiring, payment: Row, { from, to, set = {} }: StatusChange): Gen<boolean> {
  const reply = yield* commit(ctx, wiring, [{ op: 'update', table: 'payments', id: String(payment.id), set: { ...set, status: to }, expect: { status: from } }], [
    statusEvent('payments', payment, to),
  ]);
  if (reply?.type === 'aborted') ctx.log(() => `${payment.id}: ${from} → ${to} refused, the payment is ${String(reply.reason === 'conflict' ? reply.current?.status : '?')} now`);
  return reply?.type === 'committed';
}

/** Captures an authorized charge at the network and records CAPTURED. */
export function* capture(ctx: NodeContext, wiring: PaymentsWiring, payment: Row, charge: string): Gen<boolean> {
  const reply = yield* askNetwork(wiring, { type: 'capture', charge });
  if (reply?.type !== 'captured') {
    ctx.log(() => `${payment.id}: capture of ${charge} not confirmed (${reply?.type ?? 'no answer'}); reconciliation will finish it`);
    return false;
  }
  return yield* recordStatus(ctx, wiring, payment, { from: 'AUTHORIZED', to: 'CAPTURED' });
}

/** The refund saga's last step: the network refunded the card, so complete the refund and the payment. */
export function* completeRefund(ctx: NodeContext, wiring: PaymentsWiring, refund: Row, payment: Row): Gen<boolean> {
  const reply = yield* commit(
    ctx,
    wiring,
    [
      { op: 'update', table: 'refunds', id: String(refund.id), set: { status: 'COMPLETED' }, expect: { status: 'REQUESTED' } },
      { op: 'update', table: 'payments', id: String(payment.id), set: { status: 'REFUNDED' }, expect: { status: 'CAPTURED' } },
    ],
    [statusEvent('refunds', refund, 'COMPLETED'), statusEvent('payments', payment, 'REFUNDED')],
  );
  return reply?.type === 'committed';
}

/** The refund saga's compensation: the network refused, so release the reservation made in step 1. */
export function* compensateRefund(ctx: NodeContext, wiring: PaymentsWiring, refund: Row): Gen<boolean> {
  if (!wiring.compensation) {
    ctx.log(() => `${refund.id}: the network declined the refund; this saga has no compensating step, so ${refund.amount} stays reserved`);
    return false;
  }
  ctx.log(() => `${refund.id}: the network declined the refund; compensating: cancelling the reservation`);
  const reply = yield* commit(ctx, wiring, [{ op: 'update', table: 'refunds', id: String(refund.id), set: { status: 'CANCELLED' }, expect: { status: 'REQUESTED' } }], [
    statusEvent('refunds', refund, 'CANCELLED'),
  ]);
  return reply?.type === 'committed';
}
