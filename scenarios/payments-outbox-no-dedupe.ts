import { defineScenario } from '../src/kernel/index.js';
import { paymentsSystem, type PaymentsVariant } from '../src/designs/payments/system.js';

const variant: PaymentsVariant = { processor: 'corrected', publishing: 'outbox', dedupe: false, compensation: true };

/**
 * A transactional outbox delivers at least once, so it delivers some events twice
 * (a relay crash before it saved its cursor, a lost acknowledgement, a duplicated
 * message): consumers that do not de-duplicate apply the effect twice.
 */
export default defineScenario({
  description: 'Corrected processor with an outbox, but the ledger and notification consumers do not de-duplicate',
  expect: { violates: 'effects-once' },
  seeds: 100,
  ...paymentsSystem(variant),
});
