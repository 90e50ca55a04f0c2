/**
 * The payment's lifecycle from the textbook's diagram, as a plain table: every
 * (status, action) pair not listed is an illegal transition. The service asks
 * `transition` before it writes a status, and the `legal-transitions` property
 * judges every status the database really committed against the same table.
 *
 *   PENDING --authorize--> AUTHORIZED --capture--> CAPTURED --refund--> REFUNDED
 *      \--decline--> FAILED <--void--/
 */
export const PAYMENT_STATUSES = ['PENDING', 'AUTHORIZED', 'CAPTURED', 'REFUNDED', 'FAILED'] as const;
export type PaymentStatus = (typeof PAYMENT_STATUSES)[number];

export const PAYMENT_ACTIONS = ['authorize', 'decline', 'capture', 'void', 'refund'] as const;
export type PaymentAction = (typeof PAYMENT_ACTIONS)[number];

export const PAYMENT_TRANSITIONS: Readonly<Record<PaymentStatus, Readonly<Partial<Record<PaymentAction, PaymentStatus>>>>> = {
  PENDING: { authorize: 'AUTHORIZED', decline: 'FAILED' },
  AUTHORIZED: { capture: 'CAPTURED', void: 'FAILED' },
  CAPTURED: { refund: 'REFUNDED' },
  REFUNDED: {},
  FAILED: {},
};

/**
 * A refund is a saga with its own small lifecycle: REQUESTED once the refund is
 * reserved in the database, then COMPLETED when the network has refunded the card,
 * or CANCELLED by the compensating step when the network refused.
 */
export const REFUND_STATUSES = ['REQUESTED', 'COMPLETED', 'CANCELLED'] as const;
export type RefundStatus = (typeof REFUND_STATUSES)[number];

export const REFUND_TRANSITIONS: Readonly<Record<RefundStatus, readonly RefundStatus[]>> = {
  REQUESTED: ['COMPLETED', 'CANCELLED'],
  COMPLETED: [],
  CANCELLED: [],
};

/** The status `action` leads to from `from`, or undefined if the action is illegal there. */
export function transition(from: PaymentStatus, action: PaymentAction): PaymentStatus | undefined {
  return PAYMENT_TRANSITIONS[from][action];
}

/** Whether the database may go from one committed status to another; `from: null` is the insert. */
export function isLegalPaymentChange(from: string | null, to: string): boolean {
  if (from === null) return to === 'PENDING';
  const row = PAYMENT_TRANSITIONS[from as PaymentStatus];
  return row !== undefined && Object.values(row).includes(to as PaymentStatus);
}

export function isLegalRefundChange(from: string | null, to: string): boolean {
  if (from === null) return to === 'REQUESTED';
  return REFUND_TRANSITIONS[from as RefundStatus]?.includes(to as RefundStatus) ?? false;
}

/** A payment the client can be told the outcome of: nothing more will happen to it without a refund. */
export function isSettled(status: PaymentStatus): boolean {
  return status === 'CAPTURED' || status === 'REFUNDED' || status === 'FAILED';
}
