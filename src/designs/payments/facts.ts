import { factEmitter, type Micros } from '../../kernel/index.js';
import type { Row } from './database.js';
import type { PostingLine } from './events.js';
import type { ServiceReply } from './service.js';
import type { PaymentStatus } from './state-machine.js';

/** What a device did with one attempt at paying (`pay-*`) or at a refund (`refund-*`). */
type AttemptData = { key: string; device: string; attempt: number; request: string };

/** What the card network really did to a charge: the money that moved. */
type ChargeChange = { charge: string; reference: string; amount: number };

/**
 * The facts of the payment system, stamped with true time. The card network's are
 * the truth about money; the database's are what the system committed; the devices'
 * are what customers saw.
 */
export type PaymentsFact =
  // Devices (client.ts): each attempt, and whether it timed out or got an answer.
  | { kind: 'pay-attempt'; data: AttemptData & { service: string } }
  | { kind: 'pay-timeout'; data: AttemptData }
  | { kind: 'pay-answer'; data: AttemptData & { answer: ServiceReply['type'] } }
  | { kind: 'refund-attempt'; data: AttemptData & { service: string } }
  | { kind: 'refund-timeout'; data: AttemptData }
  | { kind: 'refund-answer'; data: AttemptData & { answer: ServiceReply['type'] } }
  // The payment service (service.ts): the payment row is committed for a request.
  | { kind: 'payment-started'; data: { request: string; payment: string; key: string } }
  // The database (database.ts): every row a transaction commits.
  | { kind: 'db-row'; data: { table: string; id: string; before: Row | null; after: Row } }
  // The card network (card-network.ts): an authorization takes the customer's money.
  | { kind: 'network-charge'; data: { charge: string; reference: string; key: string | null; card: string; amount: number } }
  | { kind: 'network-capture'; data: ChargeChange }
  | { kind: 'network-void'; data: ChargeChange }
  | { kind: 'network-refund'; data: { charge: string; reference: string; refund: string; amount: number } }
  /** It charged, but its answer never left. */
  | { kind: 'network-reply-lost'; data: { charge: string; reference: string; to: string } }
  /** It charged, and answers only after `delay`. */
  | { kind: 'network-reply-late'; data: { charge: string; reference: string; to: string; delay: Micros } }
  // Consumers (consumers.ts): `duplicate` means the copy was recognised and skipped.
  | { kind: 'event-consumed'; data: { consumer: string; event: string; type: string; subject: string; payment: string; duplicate: boolean } }
  | { kind: 'ledger-posted'; data: { event: string; type: string; payment: string; lines: PostingLine[] } }
  // Reconciliation (reconciliation.ts): a status it committed to bring a payment in line with the network.
  | { kind: 'reconciled'; data: { payment: string; from: PaymentStatus; to: PaymentStatus } };

export const paymentsFact = factEmitter<PaymentsFact>();
