import type { Fact } from '../../kernel/index.js';

/**
 * A per-run summary of the payments workload, from the facts alone: keys the
 * clients tried to pay, keys the network charged (once or more than once),
 * PENDING payments that reconciliation resolved, and refunds the network made.
 */
export function paymentSummary(): { collect(fact: Fact): void; render(): string } {
  const attempted = new Set<string>();
  const keyOfPayment = new Map<string, string>();
  const chargesPerKey = new Map<string, number>();
  const resolvedPending = new Set<string>();
  let refunds = 0;
  return {
    collect(fact) {
      const d = fact.data;
      switch (fact.kind) {
        case 'pay-attempt':
          attempted.add(d.key as string);
          break;
        case 'db-row':
          if (d.table === 'payments' && d.before === null) keyOfPayment.set(d.id as string, String((d.after as Record<string, unknown>).idempotency_key));
          break;
        case 'network-charge': {
          const key = (d.key as string | null) ?? keyOfPayment.get(d.reference as string) ?? (d.reference as string);
          chargesPerKey.set(key, (chargesPerKey.get(key) ?? 0) + 1);
          break;
        }
        case 'reconciled':
          if (d.from === 'PENDING') resolvedPending.add(d.payment as string);
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
