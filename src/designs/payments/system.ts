import { drawFaults, ms, seconds, type Fault, type Micros, type Random, type ScenarioSpec, type World } from '../../kernel/index.js';
import { cardNetwork, DEFAULT_NETWORK, type NetworkBehaviour } from './card-network.js';
import { drawWorkload, paymentClient, scriptedWorkload, type PaymentScript, type PlannedPayment, type WorkloadOptions } from './client.js';
import { ledger, notifications } from './consumers.js';
import { database } from './database.js';
import { idempotencyStore } from './idempotency-store.js';
import { outboxRelay } from './outbox-relay.js';
import { chargedOnce, effectsOnce, ledgerMatchesNetwork, legalTransitions, noLostEvent, noOpenAuthorization, refundWithinCapture } from './properties.js';
import { messageQueue } from './queue.js';
import { reconciliationJob } from './reconciliation.js';
import { paymentService, type Processor } from './service.js';
import { paymentSummary } from './summary.js';
import type { PaymentsWiring, Publishing } from './steps.js';

export const DEVICES = ['phone', 'laptop'];
export const SERVICES = ['payments-1', 'payments-2'];
export const CONSUMERS = ['ledger', 'notifications'];
/** Everything that can crash or pause: the card network is someone else's, and devices are the customers. */
export const CRASHABLE = [...SERVICES, 'db', 'idempotency-store', 'relay', 'queue', ...CONSUMERS, 'reconciler'];

export interface PaymentsVariant {
  processor: Processor;
  publishing: Publishing;
  dedupe: boolean;
  compensation: boolean;
  /** Reconciliation closes a stuck payment's reference at the network (default), or only looks it up. */
  closeStuck?: boolean;
  /**
   * The refunds table's unique constraint on the payment, which makes a retried refund
   * request find the refund it started (default); false: each request reserves a refund
   * of its own, under a fresh refund id, and so a fresh key at the network.
   */
  uniqueRefund?: boolean;
  /** See `ServiceOptions.blindAuthorizationWrite`. */
  blindAuthorizationWrite?: boolean;
  network?: Partial<NetworkBehaviour>;
  workload?: Partial<WorkloadOptions>;
  /** Purchases typed in instead of drawn (see `PaymentOp`). */
  script?: PaymentScript;
}

const WORKLOAD: WorkloadOptions = {
  payments: 8,
  devices: DEVICES,
  window: [ms(500), seconds(30)],
  concurrentRate: 0.3,
  refundRate: 0.3,
};

/** Judge the end-of-run properties only when the run went on this long after the last fault. */
const SETTLE = seconds(40);
const DURATION = seconds(100);

/** The purchases of a run, drawn from the seed's `workload` stream (faults may read them too). */
export function workloadOf(world: World, variant: PaymentsVariant): PlannedPayment[] {
  if (variant.script) return scriptedWorkload(variant.script, DEVICES, world.duration);
  return drawWorkload(world.stream('workload'), { ...WORKLOAD, ...variant.workload });
}

/**
 * The whole payment system of Problem 3: two devices per customer, two payment
 * service instances, the database, the seed's idempotency store, the card network,
 * the outbox relay, the queue, the ledger and notification consumers, and the
 * reconciliation job; and every payments property.
 */
function buildPayments(world: World, variant: PaymentsVariant): void {
  const wiring: PaymentsWiring = {
    db: 'db',
    network: 'card-network',
    queue: 'queue',
    publishing: variant.publishing,
    compensation: variant.compensation,
    dbTimeout: ms(500),
    networkTimeout: seconds(3),
    networkAttempts: variant.processor === 'seed' ? 1 : 3,
  };
  const plan = workloadOf(world, variant);
  for (const device of DEVICES) world.node(device, paymentClient({ plan, services: SERVICES, timeout: ms(1500), attempts: 6, backoff: ms(300) }));
  for (const id of SERVICES) world.node(id, paymentService({ ...wiring, processor: variant.processor, store: 'idempotency-store', blindAuthorizationWrite: variant.blindAuthorizationWrite }));
  // The seed has no unique constraint on the key; the corrected design's reservation is exactly that constraint.
  world.node('db', database({ payments: { unique: variant.processor === 'corrected' ? ['idempotency_key'] : [] }, refunds: { unique: variant.uniqueRefund === false ? [] : ['payment'] } }));
  world.node('idempotency-store', idempotencyStore());
  world.node('card-network', cardNetwork({ ...DEFAULT_NETWORK, ...variant.network }));
  if (variant.publishing === 'outbox') world.node('relay', outboxRelay({ db: 'db', queue: 'queue', pollEvery: ms(500), batch: 20, timeout: ms(500) }));
  world.node('queue', messageQueue({ consumers: CONSUMERS, redeliverEvery: ms(500), window: 16 }));
  world.node('ledger', ledger({ dedupe: variant.dedupe }));
  world.node('notifications', notifications({ dedupe: variant.dedupe }));
  world.node('reconciler', reconciliationJob({ ...wiring, every: seconds(5), olderThan: seconds(10), closeStuck: variant.closeStuck ?? true }));

  world.property(chargedOnce());
  world.property(legalTransitions());
  world.property(refundWithinCapture());
  world.property(effectsOnce());
  world.property(noLostEvent(CONSUMERS, { settle: SETTLE, deliveryGrace: seconds(10) }));
  world.property(ledgerMatchesNetwork({ settle: SETTLE }));
  world.property(noOpenAuthorization({ settle: SETTLE }));
}

/** A variant of the payment system, under 2–6 drawn faults, with the per-run summary of its payments. */
export function paymentsSystem(variant: PaymentsVariant): Pick<ScenarioSpec, 'duration' | 'build' | 'faults' | 'summary'> {
  return {
    duration: DURATION,
    build: (world) => buildPayments(world, variant),
    faults: (random, world) => drawPaymentFaults(random, world),
    summary: paymentSummary,
  };
}

/** Crashes, pauses, partitions and lossy, duplicating links, in the first 35 s; each lasts at most 5 s. */
export function drawPaymentFaults(random: Random, world: World, count: [number, number] = [2, 6]): Fault[] {
  const nodes = CRASHABLE.filter((id) => world.nodeIds.includes(id));
  return drawFaults(random, {
    count,
    window: [0, seconds(35)],
    weights: { crash: 2, pause: 2, partition: 2, degrade: 2 },
    nodes,
    partitionable: [...nodes, 'card-network', ...DEVICES],
    duration: [ms(100), seconds(5)],
  });
}

/**
 * `drawPaymentFaults`, and clock steps either way on every component (the database's
 * clock dates the rows reconciliation judges "stuck" by), and devices that crash (and
 * start their purchases over, with the same keys), pause or step their clocks. Drawn
 * after `drawPaymentFaults`, whose part of the schedule therefore stays the same.
 */
export function drawEveryNodeFaults(random: Random, world: World): Fault[] {
  return [
    ...drawPaymentFaults(random, world),
    ...drawFaults(random, { count: [1, 4], window: [0, seconds(35)], weights: { 'clock-jump': 1 }, nodes: CRASHABLE, duration: [ms(100), seconds(5)], maxJump: seconds(8) }),
    ...drawFaults(random, { count: [0, 2], window: [0, seconds(35)], weights: { crash: 1, pause: 1, 'clock-jump': 1 }, nodes: DEVICES, duration: [ms(100), seconds(5)] }),
  ].sort((a, b) => a.at - b.at);
}

/** Crashes of the service instances a few milliseconds after purchases start: between a commit and what follows it. */
export function crashesDuringPurchases(random: Random, plan: readonly PlannedPayment[], within: Micros): Fault[] {
  return plan.map((p): Fault => ({ at: p.at + random.int(0, within), kind: 'crash', node: random.pick(SERVICES), restartAfter: random.int(ms(100), seconds(2)) }));
}

/**
 * Pauses of a service instance a few milliseconds after a purchase starts, for `pause`:
 * long enough, beside reconciliation's age threshold and period, for a payment to be
 * judged stuck while its authorization has yet to leave.
 */
export function pausesDuringPurchases(random: Random, plan: readonly PlannedPayment[], within: Micros, pause: Micros): Fault[] {
  return plan.map((p): Fault => ({ at: p.at + random.int(0, within), kind: 'pause', node: random.pick(SERVICES), duration: pause }));
}
