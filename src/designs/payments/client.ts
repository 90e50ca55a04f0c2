import { call, checkScript, ConfigError, ms, sleep, type Micros, type NodeModel, type Random, type Script } from '../../kernel/index.js';
import { paymentsFact } from './facts.js';
import type { ServiceReply, ServiceRequest } from './service.js';

/** One purchase: one idempotency key, paid from one device or from two at once. */
export interface PlannedPayment {
  key: string;
  at: Micros;
  amount: number;
  card: string;
  /** The devices that send it; the second starts within `stagger` of the first. */
  devices: string[];
  stagger: Micros;
  /** Ask for a refund once it is paid. */
  refund: boolean;
}

export interface WorkloadOptions {
  payments: number;
  devices: readonly string[];
  window: [Micros, Micros];
  /** Chance that a purchase is sent from two devices concurrently (a double tap, a phone and a laptop). */
  concurrentRate: number;
  refundRate: number;
}

/** Draws the purchases from the seed before the run: the workload is plain data. */
export function drawWorkload(random: Random, options: WorkloadOptions): PlannedPayment[] {
  if (options.devices.length < 2 && options.concurrentRate > 0) throw new ConfigError('payments workload: concurrent purchases need at least two devices');
  const plan: PlannedPayment[] = [];
  for (let i = 1; i <= options.payments; i++) {
    const devices = random.chance(options.concurrentRate) ? random.sample(options.devices, 2) : [random.pick(options.devices)];
    plan.push({
      key: `key-${i}`,
      at: random.int(options.window[0], options.window[1]),
      amount: random.int(1, 500) * 100,
      card: `card-${random.int(1, 3)}`,
      devices,
      stagger: random.int(0, ms(200)),
      refund: random.chance(options.refundRate),
    });
  }
  return plan;
}

/**
 * A purchase typed in (a published story), as plain data: device `client` pays
 * `amount` on `card` with idempotency key `key` at true time `at`, retrying with the
 * same key as every device does, and asks for a refund once paid if `refund`. Two
 * steps with one key on two devices are the same purchase sent from both. A script
 * becomes the same `PlannedPayment`s the draw makes.
 */
export type PaymentOp = { kind: 'pay'; key: string; amount: number; card: string; refund?: boolean };
export type PaymentScript = Script<PaymentOp>;

/** The purchases a script lists; a ConfigError for the first bad step. */
export function scriptedWorkload(script: PaymentScript, devices: readonly string[], duration: Micros): PlannedPayment[] {
  checkScript<PaymentOp>(script, {
    what: 'payments script',
    clients: devices,
    kinds: ['pay'],
    duration,
    problem: (step) => {
      if (step.at === undefined) return 'a payment needs an "at": each purchase starts at its own time';
      if (typeof step.key !== 'string' || step.key === '') return 'a payment needs a "key" (its idempotency key)';
      if (typeof step.card !== 'string' || step.card === '') return 'a payment needs a "card"';
      return Number.isSafeInteger(step.amount) && step.amount > 0 ? undefined : '"amount" must be a positive integer (cents)';
    },
  });
  return script.map((step) => ({ key: step.key, at: step.at!, amount: step.amount, card: step.card, devices: [step.client], stagger: 0, refund: step.refund ?? false }));
}

export interface ClientOptions {
  plan: readonly PlannedPayment[];
  services: readonly string[];
  timeout: Micros;
  attempts: number;
  backoff: Micros;
}

/**
 * A device that pays: it sends a purchase with its idempotency key, and when the
 * answer does not come in time, or is an error or "in progress", it waits and sends
 * the same key again, to any service instance.
 *
 * Facts (`facts.ts`): `pay-attempt`, `pay-timeout`, `pay-answer`, and the same three
 * with `refund-` for refunds.
 */
export function paymentClient(options: ClientOptions): NodeModel {
  if (options.attempts < 1) throw new ConfigError('payment client: attempts must be at least 1');
  return (ctx) => {
    function* attempt(kind: 'pay' | 'refund', key: string, body: (request: string) => ServiceRequest) {
      for (let n = 1; n <= options.attempts; n++) {
        const request = `${ctx.id}/${kind}/${key}#${n}`;
        const service = ctx.random.pick(options.services);
        paymentsFact(ctx, `${kind}-attempt`, { key, device: ctx.id, attempt: n, request, service });
        const reply = yield* call<ServiceReply>(service, body(request), options.timeout);
        if (!reply.ok) {
          paymentsFact(ctx, `${kind}-timeout`, { key, device: ctx.id, attempt: n, request });
          ctx.log(() => `${request}: no answer from ${service} within ${options.timeout / ms(1)}ms; will retry with the same key`);
        } else {
          paymentsFact(ctx, `${kind}-answer`, { key, device: ctx.id, attempt: n, request, answer: reply.body.type });
          if (reply.body.type !== 'error' && reply.body.type !== 'in-progress') return reply.body;
        }
        yield* sleep(options.backoff * n);
      }
      return undefined;
    }
    for (const planned of options.plan) {
      const index = planned.devices.indexOf(ctx.id);
      if (index < 0) continue;
      ctx.spawn(
        (function* purchase() {
          yield* sleep(planned.at + index * planned.stagger);
          const { key, amount, card } = planned;
          const paid = yield* attempt('pay', key, (request) => ({ type: 'pay', request, key, amount, card }));
          if (paid?.type !== 'paid' || !planned.refund || index > 0) return;
          const payment = paid.payment;
          yield* attempt('refund', key, (request) => ({ type: 'refund', request, payment }));
        })(),
      );
    }
  };
}
