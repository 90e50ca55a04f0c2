import { defineScenario, ms } from '../src/kernel/index.js';
import { crashesDuringPurchases, drawPaymentFaults, paymentsSystem, workloadOf, type PaymentsVariant } from '../src/designs/payments/system.js';

const variant: PaymentsVariant = { processor: 'corrected', publishing: 'dual-write', dedupe: true, compensation: true };

/**
 * Dual write: the service commits, then publishes the event itself. A service that
 * crashes after its transaction committed and before it published loses the event
 * for good: nothing in the database says it was never sent.
 */
export default defineScenario({
  description: 'Corrected processor, but events published by dual write (commit, then publish) instead of an outbox; services crash during purchases',
  expect: { violates: 'no-lost-event' },
  seeds: 100,
  ...paymentsSystem(variant),
  faults: (random, world) =>
    [...drawPaymentFaults(random, world, [0, 2]), ...crashesDuringPurchases(random, workloadOf(world, variant), ms(15))].sort((a, b) => a.at - b.at),
});
