import { defineScenario, ms } from '../src/kernel/index.js';
import { paymentSummary } from '../src/designs/payments/summary.js';
import { buildPayments, crashesDuringPurchases, drawPaymentFaults, workloadOf, type PaymentsVariant, DURATION } from '../src/designs/payments/system.js';

const variant: PaymentsVariant = { processor: 'corrected', publishing: 'dual-write', dedupe: true, compensation: true };

/**
 * Dual write: the service commits, then publishes the event itself. A service that
 * crashes after its transaction committed and before it published loses the event
 * for good: nothing in the database says it was never sent.
 */
export default defineScenario({
  description: 'Corrected processor, but events published by dual write (commit, then publish) instead of an outbox; services crash during purchases',
  expect: { violates: 'no-lost-event' },
  duration: DURATION,
  seeds: 100,
  build: (world) => buildPayments(world, variant),
  faults: (random, world) =>
    [...drawPaymentFaults(random, world, [0, 2]), ...crashesDuringPurchases(random, workloadOf(world, variant), ms(15))].sort((a, b) => a.at - b.at),
  summary: paymentSummary,
});
