import { defineScenario } from '../src/kernel/index.js';
import { paymentsSystem, type PaymentsVariant } from '../src/designs/payments/system.js';

const variant: PaymentsVariant = { processor: 'corrected', publishing: 'outbox', dedupe: true, compensation: true };

/**
 * The corrected design: the key reserved by a unique constraint in the payment's own
 * transaction, the network called with the same key, a transactional outbox,
 * de-duplicating consumers, reconciliation and a compensating refund saga.
 */
export default defineScenario({
  description: 'Corrected payments (key reserved in the payment transaction, network de-dupes, outbox, de-duplicating consumers, reconciliation) under crashes, partitions, pauses, lost and duplicated messages',
  expect: 'safe',
  seeds: 2000,
  ...paymentsSystem(variant),
});
