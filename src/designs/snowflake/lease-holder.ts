import { call, ConfigError, sleep, type Micros, type NodeContext } from '../../kernel/index.js';
import type { LeaseReply, LeaseRequest } from './coordinator.js';
import { NotReservedError, type Reservation } from './generator.js';

export interface LeaseTiming {
  coordinator: string;
  ttl: Micros;
  renewEvery: Micros;
  /**
   * The holder stops using its lease this long before a TTL has passed (on its
   * monotonic clock) since the last request the service confirmed: room for its
   * clock running slower than the service's and for the request's flight.
   */
  margin: Micros;
  timeout: Micros;
  retryEvery: Micros;
  /** Each request reserves timestamps this far (ms) beyond the holder's clock. */
  aheadMs: number;
}

export interface Lease {
  nodeId: number;
  token: number;
  floorMs: number;
  reservedUntilMs: number;
  /** The holder still believes it holds the lease. */
  held: boolean;
  /** Requests sent (the acquire is 0) and the latest one the service confirmed. */
  sent: number;
  confirmed: number;
}

export function checkLeaseTiming(timing: LeaseTiming): void {
  if (!(timing.margin >= 0 && timing.renewEvery + timing.timeout < timing.ttl - timing.margin)) {
    throw new ConfigError('lease timing: a renewal (renewEvery + timeout) must be answered before the lease lapses (ttl - margin)');
  }
  if (!(timing.aheadMs > 0)) throw new ConfigError('lease timing: aheadMs must be positive');
}

/** Why `timestamp` may not be used under `lease`, if so: the lease may have expired, or the timestamp is beyond its reservation. */
export function leaseRefusal(lease: Lease, timestamp: number): 'no-lease' | 'not-reserved' | undefined {
  if (!lease.held) return 'no-lease';
  if (timestamp > lease.reservedUntilMs) return 'not-reserved';
  return undefined;
}

/** Timestamps a generator may use under one lease: only while it is held, and only up to its reservation. */
export function leaseReservation(lease: Lease): Reservation {
  return {
    reserve(timestamp) {
      const refusal = leaseRefusal(lease, timestamp);
      if (refusal) throw new NotReservedError(refusal, `node id ${lease.nodeId}, timestamp ${timestamp}: ${refusal} (reserved up to ${lease.reservedUntilMs})`);
    },
  };
}

/**
 * Keeps a node-id lease: acquires one (retrying), renews it every `renewEvery`,
 * extending the reservation each time, and stops believing it holds it when the
 * service says it is gone or when `ttl - margin` has passed on its monotonic clock
 * since the last request the service confirmed was sent (then acquires again).
 * Calls `granted` with each new lease. `fromMs` is what reservations start from:
 * the later of the node's clock and its last timestamp.
 */
export function holdNodeIdLease(ctx: NodeContext, timing: LeaseTiming, fromMs: () => number, granted: (lease: Lease) => void): void {
  const request = (body: LeaseRequest) => call<LeaseReply>(timing.coordinator, body, timing.timeout);

  const lapse = (lease: Lease, why: string) => {
    lease.held = false;
    ctx.probe('node id lease lapsed: stopped generating');
    ctx.log(() => `stops generating with node id ${lease.nodeId}: ${why}`);
    ctx.annotate({ nodeId: null });
    ctx.spawn(acquire());
  };

  /** Ends the lease in the holder's mind `ttl - margin` after request `number` was sent, unless a later one was confirmed. */
  function* expireUnlessConfirmed(lease: Lease, number: number) {
    yield* sleep(timing.ttl - timing.margin);
    if (lease.held && lease.confirmed === number) lapse(lease, 'its lease may have expired');
  }

  function* renewals(lease: Lease) {
    while (lease.held) {
      yield* sleep(timing.renewEvery);
      if (!lease.held) return;
      const number = ++lease.sent;
      ctx.spawn(expireUnlessConfirmed(lease, number));
      const reply = yield* request({ op: 'renew', holder: ctx.id, nodeId: lease.nodeId, token: lease.token, fromMs: fromMs(), aheadMs: timing.aheadMs, ttl: timing.ttl });
      if (!lease.held || !reply.ok || reply.body.op !== 'renew') continue;
      if (reply.body.ok) {
        lease.confirmed = Math.max(lease.confirmed, number);
        lease.reservedUntilMs = Math.max(lease.reservedUntilMs, reply.body.reservedUntilMs);
      } else {
        lapse(lease, 'the service says the lease is gone');
      }
    }
  }

  function* acquire() {
    for (;;) {
      const lease: Lease = { nodeId: -1, token: 0, floorMs: -1, reservedUntilMs: -1, held: false, sent: 0, confirmed: -1 };
      ctx.spawn(expireUnlessConfirmed(lease, 0));
      const reply = yield* request({ op: 'acquire', holder: ctx.id, fromMs: fromMs(), aheadMs: timing.aheadMs, ttl: timing.ttl });
      if (reply.ok && reply.body.op === 'acquire' && reply.body.granted) {
        Object.assign(lease, { nodeId: reply.body.nodeId, token: reply.body.token, floorMs: reply.body.floorMs, reservedUntilMs: reply.body.reservedUntilMs });
        lease.held = true;
        lease.confirmed = 0;
        granted(lease);
        ctx.spawn(renewals(lease));
        return;
      }
      yield* sleep(timing.retryEvery);
    }
  }

  ctx.spawn(acquire());
}
