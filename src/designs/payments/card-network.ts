import { ConfigError, ms, seconds, type Micros, type NodeModel } from '../../kernel/index.js';
import { paymentsFact } from './facts.js';

/**
 * The card processor's requests. `reference` is the merchant's payment id, which
 * every real network carries as the merchant reference and which reconciliation
 * looks charges up by. `key` is the network-side idempotency key: the seed does
 * not send one (`call_payment_network(amount, currency, card_token)`).
 */
export type NetworkRequest =
  | { type: 'authorize'; reference: string; key: string | null; amount: number; card: string }
  | { type: 'capture'; charge: string }
  | { type: 'void'; charge: string }
  | { type: 'refund'; charge: string; refundKey: string; amount: number }
  /** Reconciliation: the charges under a reference; `close` refuses any authorization for it that arrives later. */
  | { type: 'lookup'; reference: string; close: boolean }
  | { type: 'lookup-refund'; refundKey: string; close: boolean };

export type ChargeStatus = 'authorized' | 'captured' | 'voided';

/** One line of the network's settlement record: the truth about what the customer paid. */
export interface Charge {
  id: string;
  reference: string;
  key: string | null;
  card: string;
  amount: number;
  status: ChargeStatus;
  refunded: number;
}

export type RefundOutcome = { refundKey: string; charge: string; amount: number; outcome: 'refunded' | 'declined' };

export type NetworkReply =
  | { type: 'authorized'; charge: string }
  | { type: 'declined'; code: 'insufficient_funds' | 'reference_closed' }
  | { type: 'error' }
  | { type: 'captured'; charge: string }
  | { type: 'voided'; charge: string }
  | { type: 'refund'; result: RefundOutcome }
  | { type: 'rejected'; reason: string }
  | { type: 'charges'; charges: Charge[] }
  | { type: 'refund-record'; result: RefundOutcome | null };

/** How the network misbehaves, per authorization (probabilities) and per refund. */
export interface NetworkBehaviour {
  declineRate: number;
  /** Fails before charging: the service may safely try again. */
  errorRate: number;
  /** Charges, then answers late, within `slowDelay`. */
  slowRate: number;
  slowDelay: [Micros, Micros];
  /** Charges, then its answer never leaves: the outcome is unknown to the caller. */
  lostReplyRate: number;
  /** Refuses a refund (for good: retrying with the same refund key gets the same answer). */
  refundDeclineRate: number;
}

export const DEFAULT_NETWORK: NetworkBehaviour = {
  declineRate: 0.1,
  errorRate: 0.05,
  slowRate: 0.15,
  slowDelay: [seconds(1), seconds(4)],
  lostReplyRate: 0.08,
  refundDeclineRate: 0.2,
};

/**
 * The payment network (card processor). It keeps its own settlement record on its
 * disk, and its facts (`network-*`, in `facts.ts`) are what the checkers treat as the
 * money that really moved; an authorization is the charge (the customer's money is taken).
 *
 * With a `key` it de-duplicates: a repeated authorization gets the first one's answer.
 */
export function cardNetwork(behaviour: NetworkBehaviour = DEFAULT_NETWORK): NodeModel<NetworkRequest> {
  for (const [name, p] of Object.entries(behaviour)) {
    if (typeof p === 'number' && !(p >= 0 && p <= 1)) throw new ConfigError(`card network: ${name} must be a probability in [0, 1] (got ${p})`);
  }
  if (!(behaviour.slowDelay[0] > 0 && behaviour.slowDelay[0] <= behaviour.slowDelay[1])) throw new ConfigError('card network: slowDelay must satisfy 0 < min <= max');
  return (ctx) => {
    const charge = (id: string) => ctx.disk.get<Charge>(`charge/${id}`);
    const chargesOf = (reference: string) => (ctx.disk.get<string[]>(`ref/${reference}`) ?? []).map((id) => charge(id)!);
    const save = (c: Charge) => ctx.disk.set(`charge/${c.id}`, c);
    return {
      onMessage(request, envelope) {
        const answer = (reply: NetworkReply) => ctx.reply(envelope, reply);
        switch (request.type) {
          case 'authorize': {
            if (request.key !== null) {
              const previous = ctx.disk.get<NetworkReply>(`key/${request.key}`);
              if (previous) {
                ctx.log(() => `authorization with key ${request.key} seen before: answering as the first time`);
                ctx.probe('network de-duplicated a repeated authorization');
                return answer(previous);
              }
            }
            if (ctx.disk.get(`closed/${request.reference}`)) return answer({ type: 'declined', code: 'reference_closed' });
            const roll = ctx.random.float();
            if (roll < behaviour.errorRate) return answer({ type: 'error' });
            let reply: NetworkReply;
            if (roll < behaviour.errorRate + behaviour.declineRate) {
              reply = { type: 'declined', code: 'insufficient_funds' };
            } else {
              const id = `ch-${ctx.disk.get<number>('next-charge') ?? 1}`;
              ctx.disk.set('next-charge', Number(id.slice(3)) + 1);
              const created: Charge = { id, reference: request.reference, key: request.key, card: request.card, amount: request.amount, status: 'authorized', refunded: 0 };
              save(created);
              ctx.disk.set(`ref/${request.reference}`, [...(ctx.disk.get<string[]>(`ref/${request.reference}`) ?? []), id]);
              paymentsFact(ctx, 'network-charge', { charge: id, reference: request.reference, key: request.key, card: request.card, amount: request.amount });
              reply = { type: 'authorized', charge: id };
            }
            if (request.key !== null) ctx.disk.set(`key/${request.key}`, reply);
            if (reply.type === 'authorized' && ctx.random.chance(behaviour.lostReplyRate)) {
              paymentsFact(ctx, 'network-reply-lost', { charge: reply.charge, reference: request.reference, to: envelope.from });
              return;
            }
            if (ctx.random.chance(behaviour.slowRate)) {
              const delay = ctx.random.int(behaviour.slowDelay[0], behaviour.slowDelay[1]);
              if (reply.type === 'authorized') paymentsFact(ctx, 'network-reply-late', { charge: reply.charge, reference: request.reference, to: envelope.from, delay });
              ctx.log(() => `answering ${envelope.from} about ${request.reference} late, in ${delay / ms(1)}ms`);
              ctx.setTimer(delay, { envelope, reply });
              return;
            }
            return answer(reply);
          }
          case 'capture':
          case 'void': {
            const c = charge(request.charge);
            const to: ChargeStatus = request.type === 'capture' ? 'captured' : 'voided';
            if (c === undefined) return answer({ type: 'rejected', reason: `no charge ${request.charge}` });
            if (c.status === to) return answer(request.type === 'capture' ? { type: 'captured', charge: c.id } : { type: 'voided', charge: c.id });
            if (c.status !== 'authorized') return answer({ type: 'rejected', reason: `charge ${c.id} is ${c.status}` });
            save({ ...c, status: to });
            paymentsFact(ctx, request.type === 'capture' ? 'network-capture' : 'network-void', { charge: c.id, reference: c.reference, amount: c.amount });
            return answer(request.type === 'capture' ? { type: 'captured', charge: c.id } : { type: 'voided', charge: c.id });
          }
          case 'refund': {
            const previous = ctx.disk.get<RefundOutcome>(`refund/${request.refundKey}`);
            if (previous) return answer({ type: 'refund', result: previous });
            const c = charge(request.charge);
            if (c === undefined || c.status !== 'captured') return answer({ type: 'rejected', reason: `charge ${request.charge} is not captured` });
            if (ctx.disk.get(`closed-refund/${request.refundKey}`) || ctx.random.chance(behaviour.refundDeclineRate)) {
              const result: RefundOutcome = { refundKey: request.refundKey, charge: c.id, amount: request.amount, outcome: 'declined' };
              ctx.disk.set(`refund/${request.refundKey}`, result);
              return answer({ type: 'refund', result });
            }
            // A card network refunds what the merchant asks: keeping refunds within the capture is the merchant's job.
            const result: RefundOutcome = { refundKey: request.refundKey, charge: c.id, amount: request.amount, outcome: 'refunded' };
            save({ ...c, refunded: c.refunded + request.amount });
            ctx.disk.set(`refund/${request.refundKey}`, result);
            paymentsFact(ctx, 'network-refund', { charge: c.id, reference: c.reference, refund: request.refundKey, amount: request.amount });
            return answer({ type: 'refund', result });
          }
          case 'lookup':
            if (request.close) ctx.disk.set(`closed/${request.reference}`, true);
            return answer({ type: 'charges', charges: chargesOf(request.reference) });
          case 'lookup-refund': {
            const result = ctx.disk.get<RefundOutcome>(`refund/${request.refundKey}`) ?? null;
            if (request.close && result === null) ctx.disk.set(`closed-refund/${request.refundKey}`, true);
            return answer({ type: 'refund-record', result });
          }
        }
      },
      onTimer(late: { envelope: Parameters<typeof ctx.reply>[0]; reply: NetworkReply }) {
        ctx.reply(late.envelope, late.reply);
      },
    };
  };
}
