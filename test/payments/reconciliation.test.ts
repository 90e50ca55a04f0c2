import { describe, expect, it } from 'vitest';
import { reconcile } from '../../src/designs/payments/reconciliation.js';
import { PAYMENT_STATUSES, transition } from '../../src/designs/payments/state-machine.js';

describe('reconciliation decisions', () => {
  it('brings an unfinished payment to what the network recorded', () => {
    expect(reconcile('PENDING', undefined)).toEqual(['record-failed']);
    expect(reconcile('PENDING', 'authorized')).toEqual(['record-authorized', 'capture']);
    expect(reconcile('PENDING', 'captured')).toEqual(['record-authorized', 'record-captured']);
    expect(reconcile('PENDING', 'voided')).toEqual(['record-failed']);
    expect(reconcile('AUTHORIZED', 'authorized')).toEqual(['capture']);
    expect(reconcile('AUTHORIZED', 'captured')).toEqual(['record-captured']);
    expect(reconcile('AUTHORIZED', 'voided')).toEqual(['record-voided']);
    expect(reconcile('AUTHORIZED', undefined)).toEqual([]);
  });

  it('only ever takes legal transitions of the state machine', () => {
    const action = { 'record-authorized': 'authorize', 'record-failed': 'decline', capture: 'capture', 'record-captured': 'capture', 'record-voided': 'void' } as const;
    for (const status of ['PENDING', 'AUTHORIZED'] as const) {
      for (const network of [undefined, 'authorized', 'captured', 'voided'] as const) {
        let current: (typeof PAYMENT_STATUSES)[number] = status;
        for (const step of reconcile(status, network)) {
          const next = transition(current, action[step]);
          expect(next, `${status}/${network}: ${step} from ${current}`).toBeDefined();
          current = next!;
        }
      }
    }
  });
});
