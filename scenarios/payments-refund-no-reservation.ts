import { defineScenario, ms, seconds } from '../src/kernel/index.js';
import { drawPaymentFaults, paymentsSystem, pausesDuringPurchases, workloadOf, type PaymentsVariant } from '../src/designs/payments/system.js';

// Refunds asked for twice as often as in the other scenarios (60% of purchases).
const variant: PaymentsVariant = { processor: 'corrected', publishing: 'outbox', dedupe: true, compensation: true, uniqueRefund: false, workload: { refundRate: 0.6 } };

/**
 * Tripwire for `refund-within-capture`. The corrected design without the unique
 * constraint that makes a refund request find the refund already started: a customer
 * retrying a slow refund starts a second saga under a fresh refund id, so a fresh key
 * at the network, and the card is refunded twice. What idempotency keys on refunds
 * exist for (docs.stripe.com/api/idempotent_requests: retry "without risk of creating
 * a second object"; Razorpay's refund API: "without risk of double-refund").
 */
export default defineScenario({
  description: 'Corrected payments whose refunds table lacks the one-refund-per-payment constraint; services pause around purchases and refunds',
  expect: { violates: 'refund-within-capture' },
  seeds: 100,
  ...paymentsSystem(variant),
  faults: (random, world) =>
    [...drawPaymentFaults(random, world, [0, 2]), ...pausesDuringPurchases(random, workloadOf(world, variant), ms(150), seconds(3))].sort((a, b) => a.at - b.at),
});
