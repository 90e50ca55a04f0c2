import { defineScenario, ms, seconds } from '../src/kernel/index.js';
import { drawEveryNodeFaults, pausesDuringPurchases, paymentsSystem, workloadOf, type PaymentsVariant } from '../src/designs/payments/system.js';

const variant: PaymentsVariant = { processor: 'corrected', publishing: 'outbox', dedupe: true, compensation: true };

/**
 * The corrected design: the key reserved by a unique constraint in the payment's own
 * transaction, the network called with the same key, a transactional outbox,
 * de-duplicating consumers, reconciliation and a compensating refund saga; under faults
 * of every node but the card network (`drawEveryNodeFaults`), and in one seed of four,
 * services paused for 16 s as purchases start: reconciliation then finds payments stuck
 * while their authorization has yet to leave, and must close them at the network.
 */
export default defineScenario({
  description: 'Corrected payments (key reserved in the payment transaction, network de-dupes, outbox, de-duplicating consumers, reconciliation) under crashes, partitions, pauses, clock steps, lost and duplicated messages',
  expect: 'safe',
  seeds: 2000,
  ...paymentsSystem(variant),
  faults: (random, world) => {
    const faults = drawEveryNodeFaults(random, world);
    if (!random.chance(0.25)) return faults;
    return [...faults, ...pausesDuringPurchases(random, workloadOf(world, variant), ms(15), seconds(16))].sort((a, b) => a.at - b.at);
  },
  exempt: { 'card-network': 'the card network is the ground truth: it never loses state, and its clock times nothing the design relies on' },
  requires: [
    'retry deduplicated: the key is already a payment',
    'network de-duplicated a repeated authorization',
    'consumer skipped a duplicate event',
    'reconciliation closed a stuck payment the network never charged',
    'reconciliation finished a stuck payment the network charged',
  ],
});
