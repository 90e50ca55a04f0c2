import { formatDuration, formatTime, type Fact, type Micros, type Property } from '../../kernel/index.js';
import type { Row } from './database.js';
import { eventType } from './events.js';
import { isLegalPaymentChange, isLegalRefundChange } from './state-machine.js';

/** A `db-row` fact's data. */
interface RowWrite {
  table: string;
  id: string;
  before: Row | null;
  after: Row;
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
export function chargedOnce(): Property {
  const attempts = new Map<string, Attempt>();
  const requestOfPayment = new Map<string, string>();
  const keyOfPayment = new Map<string, string>();
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
    observe(fact: Fact) {
      const d = fact.data;
      switch (fact.kind) {
        case 'pay-attempt':
          attempts.set(d.request as string, { device: d.device as string, attempt: d.attempt as number, t: fact.t });
          return undefined;
        case 'pay-timeout': {
          const a = attempts.get(d.request as string);
          if (a) a.timedOutAt = fact.t;
          return undefined;
        }
        case 'pay-answer': {
          const a = attempts.get(d.request as string);
          if (a) a.answer = d.answer as string;
          return undefined;
        }
        case 'payment-started':
          requestOfPayment.set(d.payment as string, d.request as string);
          return undefined;
        case 'db-row': {
          const write = d as unknown as RowWrite;
          if (write.table === 'payments' && write.before === null) keyOfPayment.set(write.id, String(write.after.idempotency_key));
          return undefined;
        }
        case 'network-reply-lost':
          replyFate.set(d.charge as string, `the network's answer to ${d.to} was lost`);
          return undefined;
        case 'network-reply-late':
          replyFate.set(d.charge as string, `the network answered ${d.to} only after ${formatDuration(d.delay as number)}`);
          return undefined;
        case 'network-charge': {
          const payment = d.reference as string;
          const key = (d.key as string | null) ?? keyOfPayment.get(payment) ?? `(unknown key of ${payment})`;
          const list = charges.get(key) ?? [];
          const charge = { charge: d.charge as string, payment, t: fact.t };
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
export function legalTransitions(): Property {
  return {
    name: 'legal-transitions',
    observe(fact: Fact) {
      if (fact.kind !== 'db-row') return undefined;
      const { table, id, before, after } = fact.data as unknown as RowWrite;
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
export function refundWithinCapture(): Property {
  const captured = new Map<string, number>();
  const refunded = new Map<string, number>();
  return {
    name: 'refund-within-capture',
    observe(fact: Fact) {
      const charge = fact.data.charge as string;
      if (fact.kind === 'network-capture') captured.set(charge, fact.data.amount as number);
      if (fact.kind !== 'network-refund') return undefined;
      const total = (refunded.get(charge) ?? 0) + (fact.data.amount as number);
      refunded.set(charge, total);
      const limit = captured.get(charge) ?? 0;
      return total > limit ? { message: `${charge} (payment ${fact.data.reference}) refunded ${total} in all, but only ${limit} was captured`, nodes: [fact.node] } : undefined;
    },
  };
}

/** Each event's effect is applied at most once per consumer (a recognised repeat is fine). */
export function effectsOnce(): Property {
  const applied = new Map<string, Micros>();
  return {
    name: 'effects-once',
    observe(fact: Fact) {
      if (fact.kind !== 'event-consumed' || fact.data.duplicate === true) return undefined;
      const id = `${fact.data.consumer}/${fact.data.event}`;
      const before = applied.get(id);
      applied.set(id, fact.t);
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
export function noLostEvent(consumers: readonly string[], options: SettleOptions): Property {
  const committed = new Map<string, Micros>();
  const received = new Set<string>();
  return {
    name: 'no-lost-event',
    observe(fact: Fact) {
      if (fact.kind === 'db-row') {
        const { table, before, after } = fact.data as unknown as RowWrite;
        if ((table === 'payments' || table === 'refunds') && before?.status !== after.status) {
          const type = eventType(table, String(after.status));
          const id = `${type} for ${String(after.id)}`;
          if (!committed.has(id)) committed.set(id, fact.t);
        }
      }
      if (fact.kind === 'event-consumed') received.add(`${fact.data.consumer}: ${fact.data.type} for ${fact.data.subject}`);
      return undefined;
    },
    finish(end) {
      if (end.t - end.faultsOverAt < options.settle) return undefined;
      for (const [event, t] of committed) {
        if (t > end.t - options.deliveryGrace) continue;
        for (const consumer of consumers) {
          if (!received.has(`${consumer}: ${event}`)) {
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
export function ledgerMatchesNetwork(options: Pick<SettleOptions, 'settle'>): Property {
  const network = new Map<string, number>();
  const ledger = new Map<string, Map<string, number>>();
  const add = (payment: string, account: string, amount: number) => {
    const accounts = ledger.get(payment) ?? new Map<string, number>();
    accounts.set(account, (accounts.get(account) ?? 0) + amount);
    ledger.set(payment, accounts);
  };
  return {
    name: 'ledger-matches-network',
    observe(fact: Fact) {
      const payment = fact.data.reference as string;
      if (fact.kind === 'network-capture') network.set(payment, (network.get(payment) ?? 0) + (fact.data.amount as number));
      if (fact.kind === 'network-refund') network.set(payment, (network.get(payment) ?? 0) - (fact.data.amount as number));
      if (fact.kind !== 'ledger-posted') return undefined;
      const lines = fact.data.lines as Array<{ account: string; amount: number }>;
      const sum = lines.reduce((s, l) => s + l.amount, 0);
      if (sum !== 0) return { message: `the ledger posted ${fact.data.type} for ${fact.data.payment} unbalanced (debits - credits = ${sum})`, nodes: [fact.node] };
      for (const line of lines) add(fact.data.payment as string, line.account, line.amount);
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
