import { defineScenario, ms, seconds } from '../src/kernel/index.js';
import { drawPaymentFaults, paymentsSystem, pausesDuringPurchases, workloadOf, type PaymentsVariant } from '../src/designs/payments/system.js';

const variant: PaymentsVariant = { processor: 'corrected', publishing: 'outbox', dedupe: true, compensation: true, closeStuck: false };

/**
 * The corrected design, but reconciliation records a stuck payment FAILED after only
 * looking at the network, without closing its reference there: a service that was
 * paused between two attempts at the authorization, or whose request is still on its
 * way, gets it authorized afterwards, and the customer's money is held for a payment
 * the system has given up on.
 */
export default defineScenario({
  description: 'Corrected payments whose reconciliation fails a stuck payment without closing its reference at the network; services pause during purchases',
  expect: { violates: 'no-open-authorization' },
  seeds: 100,
  ...paymentsSystem(variant),
  faults: (random, world) =>
    [...drawPaymentFaults(random, world, [0, 2]), ...pausesDuringPurchases(random, workloadOf(world, variant), ms(15), seconds(16))].sort((a, b) => a.at - b.at),
});
