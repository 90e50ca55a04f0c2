import { call, sleep, type Micros, type NodeContext, type NodeModel } from '../../kernel/index.js';
import type { ChargeStatus, NetworkReply } from './card-network.js';
import type { DbReply, Row } from './database.js';
import { paymentsFact } from './facts.js';
import type { PaymentStatus } from './state-machine.js';
import { capture, compensateRefund, completeRefund, recordStatus, type PaymentsWiring } from './steps.js';

/** One step reconciliation takes to bring a payment in line with the network's settlement record. */
export type ReconcileStep = 'record-authorized' | 'record-failed' | 'capture' | 'record-captured' | 'record-voided';

/**
 * What to do about a payment the service has not finished (PENDING or AUTHORIZED),
 * given the network's record of its charge (undefined: none, and the reference is
 * now closed, so none can appear later). The network is the truth; each step is one
 * legal transition of the state machine.
 */
export function reconcile(status: 'PENDING' | 'AUTHORIZED', network: ChargeStatus | undefined): ReconcileStep[] {
  if (status === 'PENDING') {
    if (network === 'authorized') return ['record-authorized', 'capture'];
    if (network === 'captured') return ['record-authorized', 'record-captured'];
    return ['record-failed'];
  }
  if (network === 'authorized') return ['capture'];
  if (network === 'captured') return ['record-captured'];
  if (network === 'voided') return ['record-voided'];
  return [];
}

export interface ReconciliationOptions extends PaymentsWiring {
  every: Micros;
  /** Payments and refunds younger than this are still the service's business. */
  olderThan: Micros;
  /**
   * Close the network's reference of a PENDING payment as it looks it up, so that no
   * authorization for it can arrive later (true); or only look (the bug: an authorization
   * still on its way, or a service retry, lands after the payment was recorded FAILED).
   */
  closeStuck: boolean;
}

/**
 * The reconciliation job: on a schedule, compares every unfinished payment and
 * refund with the network's record and finishes it accordingly.
 *
 * Fact (`facts.ts`): `reconciled` for every status it commits.
 */
export function reconciliationJob(options: ReconciliationOptions): NodeModel {
  return (ctx) => {
    ctx.spawn(
      (function* job() {
        for (;;) {
          yield* sleep(options.every);
          yield* reconcilePayments(ctx, options);
          yield* reconcileRefunds(ctx, options);
        }
      })(),
    );
  };
}

function* scan(ctx: NodeContext, options: ReconciliationOptions, table: string, statuses: string[]) {
  const read = yield* call<DbReply>(options.db, { type: 'tx', ops: [{ op: 'scan', table, where: { status: statuses }, olderThan: options.olderThan }] }, options.dbTimeout);
  if (!read.ok || read.body.type !== 'committed') ctx.log(() => `could not read unfinished ${table}`);
  return read.ok && read.body.type === 'committed' ? (read.body.results[0] as Row[]) : [];
}

function* reconcilePayments(ctx: NodeContext, options: ReconciliationOptions) {
  for (const payment of yield* scan(ctx, options, 'payments', ['PENDING', 'AUTHORIZED'])) {
    const status = payment.status as 'PENDING' | 'AUTHORIZED';
    const found = yield* call<NetworkReply>(options.network, { type: 'lookup', reference: String(payment.id), close: status === 'PENDING' && options.closeStuck }, options.networkTimeout);
    if (!found.ok || found.body.type !== 'charges') continue;
    const charge = found.body.charges[0];
    const steps = reconcile(status, charge?.status);
    ctx.log(() => `${payment.id} is ${status} here, ${charge ? `${charge.id} ${charge.status}` : 'no charge'} at the network: ${steps.join(', ') || 'nothing to do'}`);
    let current: PaymentStatus = status;
    for (const step of steps) {
      const to: PaymentStatus = step === 'record-authorized' ? 'AUTHORIZED' : step === 'record-failed' || step === 'record-voided' ? 'FAILED' : 'CAPTURED';
      const done =
        step === 'capture'
          ? yield* capture(ctx, options, payment, charge!.id)
          : yield* recordStatus(ctx, options, payment, { from: current, to, set: step === 'record-authorized' ? { network_reference: charge!.id } : {} });
      if (!done) break;
      paymentsFact(ctx, 'reconciled', { payment: String(payment.id), from: current, to });
      if (current === 'PENDING') ctx.probe(to === 'FAILED' ? 'reconciliation closed a stuck payment the network never charged' : 'reconciliation finished a stuck payment the network charged');
      current = to;
    }
  }
}

function* reconcileRefunds(ctx: NodeContext, options: ReconciliationOptions) {
  for (const refund of yield* scan(ctx, options, 'refunds', ['REQUESTED'])) {
    const found = yield* call<NetworkReply>(options.network, { type: 'lookup-refund', refundKey: String(refund.id), close: true }, options.networkTimeout);
    if (!found.ok || found.body.type !== 'refund-record') continue;
    const outcome = found.body.result?.outcome;
    ctx.log(() => `${refund.id} is REQUESTED here, ${outcome ?? 'unknown'} at the network`);
    ctx.probe('reconciliation finished a stuck refund');
    if (outcome === 'refunded') {
      yield* completeRefund(ctx, options, refund, { id: String(refund.payment), amount: Number(refund.amount) });
    } else {
      yield* compensateRefund(ctx, options, refund);
    }
  }
}
