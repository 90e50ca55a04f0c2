import { call, minutes, type Effect, type NodeContext, type NodeModel } from '../../kernel/index.js';
import type { NetworkReply } from './card-network.js';
import type { DbReply, Row } from './database.js';
import { paymentsFact } from './facts.js';
import type { IdempotencyReply, IdempotencyRequest } from './idempotency-store.js';
import { isSettled, transition, type PaymentStatus } from './state-machine.js';
import { askNetwork, capture, commit, compensateRefund, completeRefund, statusEvent, type PaymentsWiring } from './steps.js';

export type PayRequest = { type: 'pay'; request: string; key: string; amount: number; card: string };
export type RefundRequest = { type: 'refund'; request: string; payment: string };
export type ServiceRequest = PayRequest | RefundRequest;

export type ServiceReply =
  | { type: 'paid'; payment: string }
  | { type: 'declined'; payment: string }
  | { type: 'in-progress' }
  | { type: 'refunded' }
  | { type: 'refund-declined' }
  | { type: 'error'; reason: string };

/**
 * `seed`: the textbook's `PaymentProcessor.process_payment` as written. `corrected`:
 * the key is reserved by a unique constraint in the transaction that creates the
 * payment, and the network is called with the same key, so it de-duplicates.
 */
export type Processor = 'seed' | 'corrected';

export interface ServiceOptions extends PaymentsWiring {
  processor: Processor;
  /** The seed's idempotency store (the corrected processor keeps the key in the database). */
  store: string;
  /**
   * The corrected processor records the network's answer whatever the payment's status
   * is by then, as the seed's step 4 does ("unconditionally, as written"), instead of
   * only over PENDING: a late answer lands over what reconciliation recorded meanwhile.
   */
  blindAuthorizationWrite?: boolean;
}

type Gen<T> = Generator<Effect, T, any>;
/** `PaymentResult`, or how the request ended without one (the seed raises; the handler answers 409 or 500). */
type Outcome = { result: PaymentResult; cached: boolean } | { type: 'in-progress' } | { type: 'error'; reason: string };
interface PaymentResult {
  payment: string;
  success: boolean;
  charge: string | null;
  amount: number;
}

const TTL_24H = minutes(24 * 60);

/**
 * A payment service instance (the orchestrator). It keeps nothing between requests:
 * the database, the idempotency store and the network hold all the state, so any
 * instance may take any request, and a crash only loses the requests in flight.
 *
 * Fact (`facts.ts`): `payment-started` once the payment row is committed for a request.
 */
export function paymentService(options: ServiceOptions): NodeModel<ServiceRequest> {
  return (ctx) => {
    const processPayment = options.processor === 'seed' ? processPaymentSeed : processPaymentCorrected;
    function* pay(request: PayRequest): Gen<ServiceReply> {
      const outcome = yield* processPayment(ctx, options, request);
      if (!('result' in outcome)) return outcome;
      const { result, cached } = outcome;
      if (!result.success) return { type: 'declined', payment: result.payment };
      if (cached) return { type: 'paid', payment: result.payment };
      const payment: Row = { id: result.payment, amount: result.amount };
      const captured = yield* capture(ctx, options, payment, result.charge!);
      return captured ? { type: 'paid', payment: result.payment } : { type: 'error', reason: 'capture not confirmed' };
    }
    return {
      onMessage(request, envelope) {
        // Answers that come after their call timed out land here too: they are not requests.
        if (envelope.inReplyTo !== undefined) return;
        ctx.spawn(
          (function* () {
            const reply = request.type === 'pay' ? yield* pay(request) : yield* refundSaga(ctx, options, request);
            ctx.log(() => `${request.request}: answering ${reply.type}${'reason' in reply ? ` (${reply.reason})` : ''}`);
            ctx.reply(envelope, reply);
          })(),
        );
      },
    };
  };
}

/**
 * `PaymentProcessor.process_payment` exactly as the textbook writes it. The
 * idempotency record is written only in step 5, after the payment has completed,
 * and nothing ever writes "in_progress"; a network error leaves the payment
 * PENDING and raises, and the client, who cannot tell, retries with the same key.
 */
function* processPaymentSeed(ctx: NodeContext, options: ServiceOptions, request: PayRequest): Gen<Outcome> {
  const { key, amount, card } = request;
  // Step 1: Check idempotency store
  const got = yield* call<IdempotencyReply>(options.store, { type: 'get', key } satisfies IdempotencyRequest, options.dbTimeout);
  if (!got.ok || got.body.type !== 'value') return { type: 'error', reason: 'idempotency store unavailable' };
  const existing = got.body.value;
  if (existing) {
    if (existing.status === 'completed') {
      ctx.log(() => `${request.request}: key ${key} completed before: returning the cached result`);
      return { result: existing.result as PaymentResult, cached: true };
    }
    if (existing.status === 'in_progress') return { type: 'in-progress' };
  }
  ctx.log(() => `${request.request}: no idempotency record for key ${key}: creating a new payment`);
  // Step 2: Create payment record (source of truth)
  const paymentId = `pay-${ctx.random.hex()}`;
  const payment: Row = { id: paymentId, idempotency_key: key, amount, currency: 'USD', card, status: 'PENDING' };
  const created = yield* commit(ctx, options, [{ op: 'insert', table: 'payments', row: payment }], [statusEvent('payments', payment, 'PENDING')]);
  if (created?.type !== 'committed') return { type: 'error', reason: 'payment insert failed' };
  paymentsFact(ctx, 'payment-started', { request: request.request, payment: paymentId, key });
  // Step 3: Call payment network (no idempotency key: the seed does not pass one)
  const auth = yield* call<NetworkReply>(
    options.network,
    { type: 'authorize', reference: paymentId, key: null, amount, card },
    options.networkTimeout,
  );
  if (!auth.ok || auth.body.type === 'error') {
    // Network failure - payment status uncertain. Keep as PENDING, reconciliation job will resolve.
    ctx.log(() => `${request.request}: Payment network error (${auth.ok ? 'error' : 'timeout'}) for ${paymentId}: left PENDING, raising`);
    return { type: 'error', reason: 'payment network error' };
  }
  const success = auth.body.type === 'authorized';
  const charge = auth.body.type === 'authorized' ? auth.body.charge : null;
  // Step 4: Update payment status (unconditionally, as written)
  const status = success ? 'AUTHORIZED' : 'FAILED';
  const updated = yield* commit(
    ctx,
    options,
    [{ op: 'update', table: 'payments', id: paymentId, set: { status, network_reference: charge } }],
    [statusEvent('payments', payment, status)],
  );
  if (updated?.type !== 'committed') return { type: 'error', reason: 'payment update failed' };
  const result: PaymentResult = { payment: paymentId, success, charge, amount };
  // Step 5: Cache in idempotency store
  const stored = yield* call<IdempotencyReply>(options.store, { type: 'set', key, value: { status: 'completed', result }, ttl: TTL_24H } satisfies IdempotencyRequest, options.dbTimeout);
  if (!stored.ok) return { type: 'error', reason: 'idempotency store unavailable' };
  return { result, cached: false };
}

/**
 * The corrected processor: the unique constraint on `payments.idempotency_key`
 * reserves the key in the same transaction that creates the payment, before any
 * side effect, so a second request with the key finds the first's row; and the
 * network is called with the key, so retrying an unanswered call cannot charge twice.
 */
function* processPaymentCorrected(ctx: NodeContext, options: ServiceOptions, request: PayRequest): Gen<Outcome> {
  const { key, amount, card } = request;
  const paymentId = `pay-${ctx.random.hex()}`;
  const payment: Row = { id: paymentId, idempotency_key: key, amount, currency: 'USD', card, status: 'PENDING' };
  const created = yield* commit(ctx, options, [{ op: 'insert', table: 'payments', row: payment }], [statusEvent('payments', payment, 'PENDING')]);
  if (created === undefined) return { type: 'error', reason: 'database unavailable' };
  if (created.type === 'aborted') return answerFromExisting(ctx, request, created);
  paymentsFact(ctx, 'payment-started', { request: request.request, payment: paymentId, key });
  const auth = yield* askNetwork(options, { type: 'authorize', reference: paymentId, key, amount, card });
  if (auth === undefined) {
    ctx.log(() => `${request.request}: no answer from the network for ${paymentId} after ${options.networkAttempts} tries: left PENDING for reconciliation`);
    return { type: 'error', reason: 'payment network unavailable' };
  }
  const success = auth.type === 'authorized';
  const charge = auth.type === 'authorized' ? auth.charge : null;
  const to = transition('PENDING', success ? 'authorize' : 'decline')!;
  const updated = yield* commit(
    ctx,
    options,
    [{ op: 'update', table: 'payments', id: paymentId, set: { status: to, network_reference: charge }, ...(options.blindAuthorizationWrite ? {} : { expect: { status: 'PENDING' } }) }],
    [statusEvent('payments', payment, to)],
  );
  if (updated?.type !== 'committed') return { type: 'in-progress' };
  return { result: { payment: paymentId, success, charge, amount }, cached: false };
}

function answerFromExisting(ctx: NodeContext, request: PayRequest, aborted: Extract<DbReply, { type: 'aborted' }>): Outcome {
  const existing = aborted.reason === 'unique' ? aborted.existing : undefined;
  if (existing === undefined) return { type: 'error', reason: 'unexpected conflict' };
  const status = existing.status as PaymentStatus;
  ctx.log(() => `${request.request}: key ${request.key} is already payment ${existing.id} (${status})`);
  ctx.probe('retry deduplicated: the key is already a payment');
  if (!isSettled(status)) return { type: 'in-progress' };
  const result: PaymentResult = { payment: String(existing.id), success: status !== 'FAILED', charge: existing.network_reference as string | null, amount: Number(existing.amount) };
  return { result, cached: true };
}

/**
 * The refund saga: (1) reserve the refund in the database (one full refund per
 * payment: a unique constraint, and only from CAPTURED); (2) refund the card at the
 * network with the refund's id as key; (3) complete the refund and the payment, or,
 * if the network refused, compensate step 1. An unanswered step 2 is left for
 * reconciliation, which asks the network what happened.
 */
function* refundSaga(ctx: NodeContext, options: ServiceOptions, request: RefundRequest): Gen<ServiceReply> {
  const read = yield* call<DbReply>(options.db, { type: 'tx', ops: [{ op: 'get', table: 'payments', id: request.payment }] }, options.dbTimeout);
  const payment = read.ok && read.body.type === 'committed' ? (read.body.results[0] as Row | null) : null;
  if (payment === null) return { type: 'error', reason: 'payment not found' };
  const refund: Row = { id: `rf-${ctx.random.hex()}`, payment: request.payment, amount: Number(payment.amount), charge: payment.network_reference ?? null, status: 'REQUESTED' };
  const reserved = yield* commit(
    ctx,
    options,
    [
      { op: 'check', table: 'payments', id: request.payment, expect: { status: 'CAPTURED' } },
      { op: 'insert', table: 'refunds', row: refund },
    ],
    [statusEvent('refunds', refund, 'REQUESTED')],
  );
  if (reserved === undefined) return { type: 'error', reason: 'database unavailable' };
  if (reserved.type === 'aborted') {
    if (reserved.reason === 'conflict') return reserved.current?.status === 'REFUNDED' ? { type: 'refunded' } : { type: 'error', reason: `payment is ${String(reserved.current?.status)}` };
    const status = reserved.existing.status;
    return status === 'COMPLETED' ? { type: 'refunded' } : status === 'CANCELLED' ? { type: 'refund-declined' } : { type: 'in-progress' };
  }
  const answer = yield* askNetwork(options, { type: 'refund', charge: String(payment.network_reference), refundKey: String(refund.id), amount: Number(refund.amount) });
  if (answer?.type !== 'refund') return { type: 'error', reason: 'refund outcome unknown: left for reconciliation' };
  if (answer.result.outcome === 'declined') {
    yield* compensateRefund(ctx, options, refund);
    return { type: 'refund-declined' };
  }
  return (yield* completeRefund(ctx, options, refund, payment)) ? { type: 'refunded' } : { type: 'error', reason: 'refund completed at the network, not yet recorded' };
}
