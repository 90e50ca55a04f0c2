import { defineScenario } from '../src/kernel/index.js';
import { paymentsSystem, type PaymentsVariant } from '../src/designs/payments/system.js';

const variant: PaymentsVariant = { processor: 'seed', publishing: 'outbox', dedupe: true, compensation: true };

/**
 * The textbook's `process_payment` as written: the idempotency record is written
 * only after the payment completed, so a client that times out and retries, or a
 * second device paying at the same moment, finds no record and the card is charged again.
 */
export default defineScenario({
  description: "Problem 3's process_payment as written: client retries after timeouts, two devices paying at once",
  expect: { violates: 'charged-once' },
  seeds: 100,
  ...paymentsSystem(variant),
});
