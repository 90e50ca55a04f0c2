import { formatDuration, formatTime, type FactData, type KernelFact, type Micros, type Property } from '../../kernel/index.js';
import { eventType } from './events.js';
import type { PaymentsFact } from './facts.js';
import { isLegalPaymentChange, isLegalRefundChange } from './state-machine.js';

type PaymentsProperty = Property<PaymentsFact | KernelFact>;

/**
 * The idempotency key each charge was made for: the key it carried or, for the seed
 * (which sends none), the key of the payment row it references.
 */
export function chargeKeys() {
  const keyOfPayment = new Map<string, string>();
  return {
    /** Notes the key of each payment row as it is inserted. */
    noteRow(write: FactData<PaymentsFact, 'db-row'>): void {
      if (write.table === 'payments' && write.before === null) keyOfPayment.set(write.id, String(write.after.idempotency_key));
    },
    of(charge: FactData<PaymentsFact, 'network-charge'>): string {
      return charge.key ?? keyOfPayment.get(charge.reference) ?? `(unknown key of ${charge.reference})`;
    },
  };
}

interface Attempt {
  device: string;
  attempt: number;
  t: Micros;
  timedOutAt?: Micros;
  answer?: string;
}

/**
 * No customer is charged twice for one idempotency key, counted where the money
 * moves: the network's `network-charge` facts. A charge is tied to its key by the
 * key it carried or, for the seed (which sends none), by the payment row it
 * references. The breach tells the story: which requests made the two payments,
 * whether it was a client retry after a timeout (or an error) or two devices at
 * once, and whether the network's answer to the first charge was lost.
 */
export function chargedOnce(): PaymentsProperty {
  const attempts = new Map<string, Attempt>();
  const requestOfPayment = new Map<string, string>();
  const keys = chargeKeys();
  /** What became of the network's answer to a charge, when it did not simply arrive. */
  const replyFate = new Map<string, string>();
  const charges = new Map<string, Array<{ charge: string; payment: string; t: Micros }>>();
  const describe = (c: { charge: string; payment: string; t: Micros }) => {
    const request = requestOfPayment.get(c.payment);
    const fate = replyFate.has(c.charge) ? `; ${replyFate.get(c.charge)}` : '';
    return `${c.charge} at ${formatTime(c.t)} (payment ${c.payment}, made for request ${request ?? 'unknown'}${fate})`;
  };
  return {
    name: 'charged-once',
    watches: ['pay-attempt', 'pay-timeout', 'pay-answer', 'payment-started', 'db-row', 'network-reply-lost', 'network-reply-late', 'network-charge'],
    observe(fact) {
      switch (fact.kind) {
        case 'pay-attempt':
          attempts.set(fact.data.request, { device: fact.data.device, attempt: fact.data.attempt, t: fact.t });
          return undefined;
        case 'pay-timeout': {
          const a = attempts.get(fact.data.request);
          if (a) a.timedOutAt = fact.t;
          return undefined;
        }
        case 'pay-answer': {
          const a = attempts.get(fact.data.request);
          if (a) a.answer = fact.data.answer;
          return undefined;
        }
        case 'payment-started':
          requestOfPayment.set(fact.data.payment, fact.data.request);
          return undefined;
        case 'db-row':
          keys.noteRow(fact.data);
          return undefined;
        case 'network-reply-lost':
          replyFate.set(fact.data.charge, `the network's answer to ${fact.data.to} was lost`);
          return undefined;
        case 'network-reply-late':
          replyFate.set(fact.data.charge, `the network answered ${fact.data.to} only after ${formatDuration(fact.data.delay)}`);
          return undefined;
        case 'network-charge': {
          const payment = fact.data.reference;
          const key = keys.of(fact.data);
          const list = charges.get(key) ?? [];
          const charge = { charge: fact.data.charge, payment, t: fact.t };
          list.push(charge);
          charges.set(key, list);
          if (list.length < 2) return undefined;
          const first = list[0]!;
          const cause =
            first.payment === payment
              ? `two authorizations for the one payment ${payment} reached the network (a retry or a duplicated message), and without a key it could not tell them apart`
              : classify(requestOfPayment.get(first.payment), requestOfPayment.get(payment));
          return {
            message: `${key} charged twice at the network: ${describe(first)} and ${describe(charge)}: ${cause}`,
            nodes: [...new Set([fact.node, ...[first.payment, payment].map((p) => attempts.get(requestOfPayment.get(p) ?? '')?.device ?? fact.node)])],
          };
        }
      }
      return undefined;
    },
  };

  function classify(firstRequest: string | undefined, secondRequest: string | undefined): string {
    const a = attempts.get(firstRequest ?? '');
    const b = attempts.get(secondRequest ?? '');
    if (a === undefined || b === undefined) return 'cause unknown';
    if (firstRequest === secondRequest) return `one request delivered twice (the network duplicated ${firstRequest}), each copy handled as a new payment`;
    if (a.device !== b.device) return `concurrent requests with the same key from two devices (${a.device} attempt ${a.attempt}, ${b.device} attempt ${b.attempt})`;
    if (a.timedOutAt !== undefined && a.timedOutAt <= b.t) {
      return `client retry after a timeout (${a.device}'s attempt ${a.attempt} got no answer by ${formatTime(a.timedOutAt)}; attempt ${b.attempt} created a new payment)`;
    }
    return `client retry after an error answer (${a.device}'s attempt ${a.attempt} was answered '${a.answer ?? 'nothing'}'; attempt ${b.attempt} created a new payment)`;
  }
}

/** Every status the database commits for a payment or a refund follows the state machine. */
export function legalTransitions(): PaymentsProperty {
  return {
    name: 'legal-transitions',
    watches: ['db-row'],
    observe(fact) {
      if (fact.kind !== 'db-row') return undefined;
      const { table, id, before, after } = fact.data;
      if (table !== 'payments' && table !== 'refunds') return undefined;
      const from = before === null ? null : String(before.status);
      const to = String(after.status);
      if (from === to) return undefined;
      const legal = table === 'payments' ? isLegalPaymentChange(from, to) : isLegalRefundChange(from, to);
      return legal ? undefined : { message: `${table} row ${id} went ${from ?? '(new)'} → ${to}, which the state machine does not allow`, nodes: [fact.node] };
    },
  };
}

/** The network never refunds more on a charge than was captured on it. */
export function refundWithinCapture(): PaymentsProperty {
  const captured = new Map<string, number>();
  const refunded = new Map<string, number>();
  return {
    name: 'refund-within-capture',
    watches: ['network-capture', 'network-refund'],
    observe(fact) {
      if (fact.kind === 'network-capture') captured.set(fact.data.charge, fact.data.amount);
      if (fact.kind !== 'network-refund') return undefined;
      const { charge } = fact.data;
      const total = (refunded.get(charge) ?? 0) + fact.data.amount;
      refunded.set(charge, total);
      const limit = captured.get(charge) ?? 0;
      return total > limit ? { message: `${charge} (payment ${fact.data.reference}) refunded ${total} in all, but only ${limit} was captured`, nodes: [fact.node] } : undefined;
    },
  };
}

/** Each event's effect is applied at most once per consumer (a recognised repeat is fine). */
export function effectsOnce(): PaymentsProperty {
  const applied = new Map<string, Map<string, Micros>>(); // consumer → event → when it last applied it
  return {
    name: 'effects-once',
    watches: ['event-consumed'],
    observe(fact) {
      if (fact.kind !== 'event-consumed' || fact.data.duplicate) return undefined;
      let ofConsumer = applied.get(fact.data.consumer);
      if (ofConsumer === undefined) applied.set(fact.data.consumer, (ofConsumer = new Map()));
      const before = ofConsumer.get(fact.data.event);
      ofConsumer.set(fact.data.event, fact.t);
      if (before === undefined) return undefined;
      return {
        message: `${fact.data.consumer} applied event ${fact.data.event} (${fact.data.type} for ${fact.data.subject}) twice: at ${formatTime(before)} and ${formatTime(fact.t)}`,
        nodes: [fact.node],
      };
    },
  };
}

export interface SettleOptions {
  /** Judge only if the run went on this long after the last fault healed (reconciliation has run). */
  settle: Micros;
  /** Events committed in the last `deliveryGrace` of the run may still be on their way. */
  deliveryGrace: Micros;
}

/**
 * No lost event: every status the database committed for a payment or a refund
 * reaches every consumer, once the faults have healed. Judged at the end of the run.
 */
export function noLostEvent(consumers: readonly string[], options: SettleOptions): PaymentsProperty {
  /** Each event (`<type> for <subject>`) the database committed, and when first. */
  const committed = new Map<string, Micros>();
  /** Per consumer, the events it received, named as in `committed`. */
  const received = new Map<string, Set<string>>(consumers.map((consumer) => [consumer, new Set()]));
  return {
    name: 'no-lost-event',
    watches: ['db-row', 'event-consumed'],
    observe(fact) {
      if (fact.kind === 'db-row') {
        const { table, before, after } = fact.data;
        if ((table === 'payments' || table === 'refunds') && before?.status !== after.status) {
          const type = eventType(table, String(after.status));
          const id = `${type} for ${String(after.id)}`;
          if (!committed.has(id)) committed.set(id, fact.t);
        }
      }
      if (fact.kind === 'event-consumed') received.get(fact.data.consumer)?.add(`${fact.data.type} for ${fact.data.subject}`);
      return undefined;
    },
    finish(end) {
      if (end.t - end.faultsOverAt < options.settle) return undefined;
      for (const [event, t] of committed) {
        if (t > end.t - options.deliveryGrace) continue;
        for (const consumer of consumers) {
          if (!received.get(consumer)!.has(event)) {
            return { message: `${event}, committed at ${formatTime(t)}, never reached ${consumer}: the event was lost`, nodes: [consumer] };
          }
        }
      }
      return undefined;
    },
  };
}

/**
 * The ledger matches the network's settlement record. Every posting balances
 * (double entry: no money created in one step); and once the faults have healed and
 * reconciliation has run, for each payment the ledger's receivable from the
 * network equals what the network captured minus what it refunded, and no money is
 * left in refunds-in-flight (taken from the merchant, never given to the customer).
 */
export function ledgerMatchesNetwork(options: Pick<SettleOptions, 'settle'>): PaymentsProperty {
  const network = new Map<string, number>();
  const ledger = new Map<string, Map<string, number>>();
  const add = (payment: string, account: string, amount: number) => {
    const accounts = ledger.get(payment) ?? new Map<string, number>();
    accounts.set(account, (accounts.get(account) ?? 0) + amount);
    ledger.set(payment, accounts);
  };
  const addSettled = (payment: string, amount: number) => network.set(payment, (network.get(payment) ?? 0) + amount);
  return {
    name: 'ledger-matches-network',
    watches: ['network-capture', 'network-refund', 'ledger-posted'],
    observe(fact) {
      if (fact.kind === 'network-capture') addSettled(fact.data.reference, fact.data.amount);
      if (fact.kind === 'network-refund') addSettled(fact.data.reference, -fact.data.amount);
      if (fact.kind !== 'ledger-posted') return undefined;
      const { lines, payment, type } = fact.data;
      const sum = lines.reduce((s, l) => s + l.amount, 0);
      if (sum !== 0) return { message: `the ledger posted ${type} for ${payment} unbalanced (debits - credits = ${sum})`, nodes: [fact.node] };
      for (const line of lines) add(payment, line.account, line.amount);
      return undefined;
    },
    finish(end) {
      if (end.t - end.faultsOverAt < options.settle) return undefined;
      for (const payment of [...new Set([...network.keys(), ...ledger.keys()])].sort()) {
        const settled = network.get(payment) ?? 0;
        const booked = ledger.get(payment)?.get('network-receivable') ?? 0;
        if (booked !== settled) {
          return { message: `${payment}: the network settled ${settled} net, the ledger has ${booked} receivable from it: money ${booked > settled ? 'created' : 'lost'}`, nodes: [] };
        }
        const inFlight = ledger.get(payment)?.get('refunds-in-flight') ?? 0;
        if (inFlight !== 0) {
          return { message: `${payment}: ${-inFlight} was taken from the merchant for a refund the network never made, and is still in refunds-in-flight: money lost`, nodes: [] };
        }
      }
      return undefined;
    },
  };
}

/**
 * No authorization left open for a payment the system gave up on: once the run has
 * settled, every charge the network still holds authorized (the customer's money held,
 * neither captured nor voided) belongs to a payment the database records as going ahead,
 * not to one it recorded FAILED. A reconciliation that marks a stuck payment failed
 * without closing its reference at the network lets an authorization still on its way
 * land afterwards: the customer's money is held for a purchase they were told failed.
 */
export function noOpenAuthorization(options: Pick<SettleOptions, 'settle'>): PaymentsProperty {
  const open = new Map<string, { reference: string; amount: number; t: Micros }>(); // charge → its authorization
  const status = new Map<string, string>(); // payment → the status last committed
  return {
    name: 'no-open-authorization',
    watches: ['network-charge', 'network-capture', 'network-void', 'db-row'],
    observe(fact) {
      if (fact.kind === 'network-charge') open.set(fact.data.charge, { reference: fact.data.reference, amount: fact.data.amount, t: fact.t });
      if (fact.kind === 'network-capture' || fact.kind === 'network-void') open.delete(fact.data.charge);
      if (fact.kind === 'db-row' && fact.data.table === 'payments') status.set(fact.data.id, String(fact.data.after.status));
      return undefined;
    },
    finish(end) {
      if (end.t - end.faultsOverAt < options.settle) return undefined;
      for (const [charge, { reference, amount, t }] of [...open].sort(([a], [b]) => a.localeCompare(b))) {
        if (status.get(reference) !== 'FAILED') continue;
        return {
          message: `${reference} is recorded FAILED, but the network still holds its charge ${charge} (${amount}, authorized at ${formatTime(t)}) open: the customer's money is held for a payment they were told failed`,
          nodes: [],
          at: t,
        };
      }
      return undefined;
    },
  };
}
