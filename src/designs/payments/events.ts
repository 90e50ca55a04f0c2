/**
 * An event about a payment or a refund, as the outbox (or a dual write) publishes
 * it: one per committed status. `id` is the outbox row's id, so every copy of one
 * event carries the same id and a consumer can recognise a repeat.
 */
export interface PaymentEvent {
  id: string;
  /** `payment.captured`, `refund.requested`, ...: the table's subject and the status it committed. */
  type: string;
  /** The payment or refund row the event is about. */
  subject: string;
  payment: string;
  amount: number;
}

export const eventType = (table: 'payments' | 'refunds', status: string): string =>
  `${table === 'payments' ? 'payment' : 'refund'}.${status.toLowerCase()}`;

/** One line of a double-entry posting: positive debits, negative credits; a posting sums to zero. */
export interface PostingLine {
  account: 'network-receivable' | 'merchant-payable' | 'refunds-in-flight';
  amount: number;
}

/**
 * What the ledger books for an event. A capture is money the network owes us and
 * we owe the merchant; a refund first moves the merchant's money into
 * refunds-in-flight, then either out to the network (completed) or back (cancelled).
 */
export function postingsFor(event: Pick<PaymentEvent, 'type' | 'amount'>): PostingLine[] {
  const a = event.amount;
  switch (event.type) {
    case 'payment.captured':
      return [{ account: 'network-receivable', amount: a }, { account: 'merchant-payable', amount: -a }];
    case 'refund.requested':
      return [{ account: 'merchant-payable', amount: a }, { account: 'refunds-in-flight', amount: -a }];
    case 'refund.completed':
      return [{ account: 'refunds-in-flight', amount: a }, { account: 'network-receivable', amount: -a }];
    case 'refund.cancelled':
      return [{ account: 'refunds-in-flight', amount: a }, { account: 'merchant-payable', amount: -a }];
    default:
      return [];
  }
}
