import { defineScenario, ms, seconds } from '../src/kernel/index.js';
import { drawPaymentFaults, paymentsSystem, pausesDuringPurchases, workloadOf, type PaymentsVariant } from '../src/designs/payments/system.js';

const variant: PaymentsVariant = { processor: 'corrected', publishing: 'outbox', dedupe: true, compensation: true, blindAuthorizationWrite: true };

/**
 * Tripwire for `legal-transitions`. The corrected design, but the service records the
 * network's authorization answer unconditionally, as the seed's step 4 does, instead
 * of compare-and-set over PENDING: a service paused with the answer on its way wakes
 * after reconciliation has authorized and captured the payment, and writes it back
 * from CAPTURED to AUTHORIZED. The lost update of Kleppmann's *Designing
 * Data-Intensive Applications* (ch. 7, "Preventing Lost Updates": compare-and-set).
 */
export default defineScenario({
  description: 'Corrected payments whose service records the authorization over whatever status the payment has by then; services pause during purchases',
  expect: { violates: 'legal-transitions' },
  seeds: 40,
  ...paymentsSystem(variant),
  faults: (random, world) =>
    [...drawPaymentFaults(random, world, [0, 2]), ...pausesDuringPurchases(random, workloadOf(world, variant), ms(15), seconds(16))].sort((a, b) => a.at - b.at),
});
