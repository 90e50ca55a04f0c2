import { defineScenario } from '../src/kernel/index.js';
import { paymentsSystem, type PaymentsVariant } from '../src/designs/payments/system.js';

const variant: PaymentsVariant = { processor: 'corrected', publishing: 'outbox', dedupe: true, compensation: false, workload: { refundRate: 0.5 } };

/**
 * A refund saga without its compensating step: when the network refuses a refund,
 * the merchant's money stays reserved in refunds-in-flight and never reaches anyone.
 */
export default defineScenario({
  description: 'Corrected payments, but the refund saga does not compensate when the network declines a refund',
  expect: { violates: 'ledger-matches-network' },
  seeds: 100,
  ...paymentsSystem(variant),
});
