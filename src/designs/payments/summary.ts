import type { Fact, KernelFact } from '../../kernel/index.js';
import type { PaymentsFact } from './facts.js';
import { chargeKeys } from './properties.js';

/**
 * A per-run summary of the payments workload, from the facts alone: keys the
 * clients tried to pay, keys the network charged (once or more than once),
 * PENDING payments that reconciliation resolved, and refunds the network made.
 */
export function paymentSummary(): { collect(fact: Fact<PaymentsFact | KernelFact>): void; render(): string } {
  const attempted = new Set<string>();
  const keys = chargeKeys();
  const chargesPerKey = new Map<string, number>();
  const resolvedPending = new Set<string>();
  let refunds = 0;
  return {
    collect(fact) {
      switch (fact.kind) {
        case 'pay-attempt':
          attempted.add(fact.data.key);
          break;
        case 'db-row':
          keys.noteRow(fact.data);
          break;
        case 'network-charge': {
          const key = keys.of(fact.data);
          chargesPerKey.set(key, (chargesPerKey.get(key) ?? 0) + 1);
          break;
        }
        case 'reconciled':
          if (fact.data.from === 'PENDING') resolvedPending.add(fact.data.payment);
          break;
        case 'network-refund':
          refunds++;
          break;
      }
    },
    render() {
      const doubled = [...chargesPerKey.values()].filter((n) => n > 1).length;
      return (
        `payments attempted ${attempted.size}, charged ${chargesPerKey.size}, double-charged ${doubled}, ` +
        `pending resolved by reconciliation ${resolvedPending.size}, refunds ${refunds}`
      );
    },
  };
}
