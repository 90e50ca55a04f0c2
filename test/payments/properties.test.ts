import { describe, expect, it } from 'vitest';
import { seconds, type Fact, type FactData, type KernelFact, type Property } from '../../src/kernel/index.js';
import type { PaymentsFact } from '../../src/designs/payments/facts.js';
import {
  chargedOnce,
  effectsOnce,
  ledgerMatchesNetwork,
  legalTransitions,
  noLostEvent,
  noOpenAuthorization,
  refundWithinCapture,
} from '../../src/designs/payments/properties.js';
import { postingsFor } from '../../src/designs/payments/events.js';
import { factsOf, firstBreach } from '../fixtures/facts.js';

type Facts = PaymentsFact | KernelFact;
const factAt = factsOf<Facts>();
let clock = 0;
/** A fact 1 ms after the one before. */
const fact = <K extends Facts['kind']>(node: string, kind: K, data: FactData<Facts, K>) => factAt((clock += 1000), node, kind, data);

/** Feeds a hand-built history; returns the first breach message, or the end-of-run verdict. */
function judge(property: Property<Facts>, facts: Array<Fact<Facts>>, end = { t: seconds(100), faultsOverAt: 0 }): string | undefined {
  return firstBreach(property, facts)?.message ?? property.finish?.(end)?.message;
}

const paymentRow = (id: string, key: string, status = 'PENDING') =>
  fact('db', 'db-row', { table: 'payments', id, before: null, after: { id, idempotency_key: key, amount: 100, status } });
const statusChange = (table: string, id: string, from: string, to: string) =>
  fact('db', 'db-row', { table, id, before: { id, status: from, amount: 100, payment: 'p1' }, after: { id, status: to, amount: 100, payment: 'p1' } });
const attempt = (device: string, n: number, key = 'k1') => fact(device, 'pay-attempt', { key, device, attempt: n, request: `${device}/pay/${key}#${n}`, service: 'payments-1' });
const started = (request: string, payment: string, key = 'k1') => fact('payments-1', 'payment-started', { request, payment, key });
const charge = (id: string, reference: string, key: string | null = null) => fact('card-network', 'network-charge', { charge: id, reference, key, card: 'c', amount: 100 });

describe('charged-once', () => {
  it('is broken by a client retry after a timeout that makes a second payment, and says so', () => {
    const message = judge(chargedOnce(), [
      attempt('phone', 1),
      paymentRow('p1', 'k1'),
      started('phone/pay/k1#1', 'p1'),
      charge('ch-1', 'p1'),
      fact('card-network', 'network-reply-lost', { charge: 'ch-1', reference: 'p1', to: 'payments-1' }),
      fact('phone', 'pay-timeout', { key: 'k1', device: 'phone', attempt: 1, request: 'phone/pay/k1#1' }),
      attempt('phone', 2),
      paymentRow('p2', 'k1'),
      started('phone/pay/k1#2', 'p2'),
      charge('ch-2', 'p2'),
    ]);
    expect(message).toMatch(/^k1 charged twice at the network: ch-1 .*request phone\/pay\/k1#1; the network's answer to payments-1 was lost.* and ch-2 .*client retry after a timeout/);
  });

  it('is broken by two devices paying with the same key at once, and says so', () => {
    const message = judge(chargedOnce(), [
      attempt('phone', 1),
      attempt('laptop', 1),
      paymentRow('p1', 'k1'),
      paymentRow('p2', 'k1'),
      started('phone/pay/k1#1', 'p1'),
      started('laptop/pay/k1#1', 'p2'),
      charge('ch-1', 'p1'),
      charge('ch-2', 'p2'),
    ]);
    expect(message).toMatch(/concurrent requests with the same key from two devices \(phone attempt 1, laptop attempt 1\)/);
  });

  it('counts charges by the key they carried when the network was given one', () => {
    expect(judge(chargedOnce(), [charge('ch-1', 'p1', 'k9'), charge('ch-2', 'p2', 'k9')])).toMatch(/^k9 charged twice/);
  });

  it('holds when each key is charged once, however many attempts and payments there were', () => {
    const message = judge(chargedOnce(), [
      attempt('phone', 1),
      paymentRow('p1', 'k1'),
      started('phone/pay/k1#1', 'p1'),
      charge('ch-1', 'p1'),
      attempt('phone', 2),
      paymentRow('p2', 'k2'),
      charge('ch-2', 'p2'),
    ]);
    expect(message).toBeUndefined();
  });
});

describe('legal-transitions', () => {
  it('is broken by a committed status the state machine does not allow', () => {
    expect(judge(legalTransitions(), [paymentRow('p1', 'k1'), statusChange('payments', 'p1', 'CAPTURED', 'AUTHORIZED')])).toMatch(
      /payments row p1 went CAPTURED → AUTHORIZED/,
    );
    expect(judge(legalTransitions(), [statusChange('refunds', 'r1', 'CANCELLED', 'COMPLETED')])).toMatch(/refunds row r1/);
  });

  it('holds along the diagram', () => {
    const history = [
      paymentRow('p1', 'k1'),
      statusChange('payments', 'p1', 'PENDING', 'AUTHORIZED'),
      statusChange('payments', 'p1', 'AUTHORIZED', 'CAPTURED'),
      statusChange('payments', 'p1', 'CAPTURED', 'REFUNDED'),
      statusChange('refunds', 'r1', 'REQUESTED', 'COMPLETED'),
    ];
    expect(judge(legalTransitions(), history)).toBeUndefined();
  });
});

describe('refund-within-capture', () => {
  const capture = fact('card-network', 'network-capture', { charge: 'ch-1', reference: 'p1', amount: 100 });
  const refund = (amount: number) => fact('card-network', 'network-refund', { charge: 'ch-1', reference: 'p1', refund: 'r', amount });
  it('is broken when refunds add up to more than was captured', () => {
    expect(judge(refundWithinCapture(), [capture, refund(60), refund(60)])).toMatch(/ch-1 \(payment p1\) refunded 120 in all, but only 100 was captured/);
  });
  it('holds for refunds up to the captured amount', () => {
    expect(judge(refundWithinCapture(), [capture, refund(40), refund(60)])).toBeUndefined();
  });
});

const consumed = (consumer: string, event: string, type: string, subject: string, duplicate = false) =>
  fact(consumer, 'event-consumed', { consumer, event, type, subject, payment: 'p1', duplicate });

describe('effects-once', () => {
  it('is broken when a consumer applies one event twice', () => {
    expect(judge(effectsOnce(), [consumed('ledger', 'evt-1', 'payment.captured', 'p1'), consumed('ledger', 'evt-1', 'payment.captured', 'p1')])).toMatch(
      /ledger applied event evt-1 \(payment.captured for p1\) twice/,
    );
  });
  it('holds when the repeat is recognised, and per consumer', () => {
    const history = [
      consumed('ledger', 'evt-1', 'payment.captured', 'p1'),
      consumed('ledger', 'evt-1', 'payment.captured', 'p1', true),
      consumed('notifications', 'evt-1', 'payment.captured', 'p1'),
    ];
    expect(judge(effectsOnce(), history)).toBeUndefined();
  });
});

describe('no-lost-event', () => {
  const settle = { settle: seconds(40), deliveryGrace: seconds(10) };
  const history = () => [paymentRow('p1', 'k1'), consumed('ledger', 'evt-1', 'payment.pending', 'p1')];
  it('is broken when a committed status never reaches a consumer', () => {
    expect(judge(noLostEvent(['ledger', 'notifications'], settle), history())).toMatch(/payment.pending for p1, committed at .* never reached notifications/);
  });
  it('holds when every consumer got it', () => {
    expect(judge(noLostEvent(['ledger', 'notifications'], settle), [...history(), consumed('notifications', 'evt-1', 'payment.pending', 'p1')])).toBeUndefined();
  });
  it('does not judge before the faults have long healed', () => {
    expect(judge(noLostEvent(['ledger', 'notifications'], settle), history(), { t: seconds(100), faultsOverAt: seconds(90) })).toBeUndefined();
  });
});

describe('ledger-matches-network', () => {
  const posted = (type: string, amount = 100) => fact('ledger', 'ledger-posted', { event: type, type, payment: 'p1', lines: postingsFor({ type, amount }) });
  const captured = fact('card-network', 'network-capture', { charge: 'ch-1', reference: 'p1', amount: 100 });
  it('is broken by an unbalanced posting', () => {
    const unbalanced = fact('ledger', 'ledger-posted', { event: 'e', type: 'payment.captured', payment: 'p1', lines: [{ account: 'network-receivable', amount: 100 }] });
    expect(judge(ledgerMatchesNetwork({ settle: seconds(40) }), [unbalanced])).toMatch(/unbalanced/);
  });
  it('is broken by a capture the ledger never booked (money lost) or booked twice (created)', () => {
    expect(judge(ledgerMatchesNetwork({ settle: seconds(40) }), [captured])).toMatch(/p1: the network settled 100 net, the ledger has 0 .* money lost/);
    expect(judge(ledgerMatchesNetwork({ settle: seconds(40) }), [captured, posted('payment.captured'), posted('payment.captured')])).toMatch(/money created/);
  });
  it('is broken by money left in refunds-in-flight', () => {
    expect(judge(ledgerMatchesNetwork({ settle: seconds(40) }), [captured, posted('payment.captured'), posted('refund.requested')])).toMatch(
      /p1: 100 was taken from the merchant for a refund the network never made/,
    );
  });
  it('holds for a capture, a completed refund and a cancelled one', () => {
    const refunded = fact('card-network', 'network-refund', { charge: 'ch-1', reference: 'p1', refund: 'r', amount: 100 });
    const history = [captured, posted('payment.captured'), posted('refund.requested'), posted('refund.cancelled'), posted('refund.requested'), refunded, posted('refund.completed')];
    expect(judge(ledgerMatchesNetwork({ settle: seconds(40) }), history)).toBeUndefined();
  });
});

describe('no-open-authorization', () => {
  const settle = { settle: seconds(40) };
  const charged = fact('card-network', 'network-charge', { charge: 'ch-1', reference: 'p1', key: 'k1', card: 'c', amount: 100 });
  const voided = fact('card-network', 'network-void', { charge: 'ch-1', reference: 'p1', amount: 100 });
  const captured = fact('card-network', 'network-capture', { charge: 'ch-1', reference: 'p1', amount: 100 });
  it('is broken by a charge still authorized for a payment recorded FAILED', () => {
    expect(judge(noOpenAuthorization(settle), [paymentRow('p1', 'k1'), statusChange('payments', 'p1', 'PENDING', 'FAILED'), charged])).toMatch(
      /p1 is recorded FAILED, but the network still holds its charge ch-1 \(100, authorized at .*\) open/,
    );
  });
  it('holds when the charge of a failed payment was voided, or the payment went ahead', () => {
    expect(judge(noOpenAuthorization(settle), [paymentRow('p1', 'k1'), charged, voided, statusChange('payments', 'p1', 'AUTHORIZED', 'FAILED')])).toBeUndefined();
    expect(judge(noOpenAuthorization(settle), [paymentRow('p1', 'k1'), charged, statusChange('payments', 'p1', 'PENDING', 'AUTHORIZED')])).toBeUndefined();
    expect(judge(noOpenAuthorization(settle), [paymentRow('p1', 'k1'), statusChange('payments', 'p1', 'PENDING', 'FAILED'), charged, captured])).toBeUndefined();
  });
  it('does not judge before the faults have long healed', () => {
    const history = [paymentRow('p1', 'k1'), statusChange('payments', 'p1', 'PENDING', 'FAILED'), charged];
    expect(judge(noOpenAuthorization(settle), history, { t: seconds(100), faultsOverAt: seconds(90) })).toBeUndefined();
  });
});

describe('postings', () => {
  it('balance for every event type', () => {
    for (const type of ['payment.pending', 'payment.captured', 'refund.requested', 'refund.completed', 'refund.cancelled']) {
      expect(postingsFor({ type, amount: 250 }).reduce((s, l) => s + l.amount, 0)).toBe(0);
    }
  });
});
