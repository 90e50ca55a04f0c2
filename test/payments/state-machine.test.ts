import { describe, expect, it } from 'vitest';
import {
  isLegalPaymentChange,
  isLegalRefundChange,
  PAYMENT_ACTIONS,
  PAYMENT_STATUSES,
  REFUND_STATUSES,
  transition,
} from '../../src/designs/payments/state-machine.js';

/** The textbook's diagram, edge by edge: everything else is illegal. */
const DIAGRAM: Array<[string, string, string]> = [
  ['PENDING', 'authorize', 'AUTHORIZED'],
  ['PENDING', 'decline', 'FAILED'],
  ['AUTHORIZED', 'capture', 'CAPTURED'],
  ['AUTHORIZED', 'void', 'FAILED'],
  ['CAPTURED', 'refund', 'REFUNDED'],
];

describe('payment state machine', () => {
  it('allows exactly the transitions of the diagram, for every status and action', () => {
    for (const from of PAYMENT_STATUSES) {
      for (const action of PAYMENT_ACTIONS) {
        const edge = DIAGRAM.find(([f, a]) => f === from && a === action);
        expect(transition(from, action), `${from} --${action}-->`).toBe(edge?.[2]);
      }
    }
  });

  it('judges every committed status change (from any status to any status) by the same table', () => {
    for (const from of PAYMENT_STATUSES) {
      for (const to of PAYMENT_STATUSES) {
        const legal = DIAGRAM.some(([f, , t]) => f === from && t === to);
        expect(isLegalPaymentChange(from, to), `${from} → ${to}`).toBe(legal);
      }
    }
  });

  it('creates payments only as PENDING', () => {
    for (const to of PAYMENT_STATUSES) expect(isLegalPaymentChange(null, to)).toBe(to === 'PENDING');
  });

  it('treats REFUNDED and FAILED as final', () => {
    for (const action of PAYMENT_ACTIONS) {
      expect(transition('REFUNDED', action)).toBeUndefined();
      expect(transition('FAILED', action)).toBeUndefined();
    }
  });

  it('lets a refund go REQUESTED → COMPLETED or CANCELLED, and nothing else', () => {
    const legal = new Set(['null→REQUESTED', 'REQUESTED→COMPLETED', 'REQUESTED→CANCELLED']);
    for (const from of [null, ...REFUND_STATUSES]) {
      for (const to of REFUND_STATUSES) expect(isLegalRefundChange(from, to), `${from} → ${to}`).toBe(legal.has(`${from}→${to}`));
    }
  });

  it('rejects statuses it does not know', () => {
    expect(isLegalPaymentChange('SHIPPED', 'CAPTURED')).toBe(false);
    expect(isLegalRefundChange('LOST', 'COMPLETED')).toBe(false);
  });
});
