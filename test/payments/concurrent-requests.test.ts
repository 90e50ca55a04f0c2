import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ms, seconds, Simulation, type Fact, type Fault } from '../../src/kernel/index.js';
import { cardNetwork, DEFAULT_NETWORK } from '../../src/designs/payments/card-network.js';
import { paymentClient } from '../../src/designs/payments/client.js';
import { database } from '../../src/designs/payments/database.js';
import { chargedOnce } from '../../src/designs/payments/properties.js';
import { reconciliationJob } from '../../src/designs/payments/reconciliation.js';
import { paymentService } from '../../src/designs/payments/service.js';
import type { PaymentsWiring } from '../../src/designs/payments/steps.js';

const wiring: PaymentsWiring = {
  db: 'db', network: 'card-network', queue: 'queue', publishing: 'outbox', compensation: true,
  dbTimeout: ms(500), networkTimeout: seconds(3), networkAttempts: 3,
};

/**
 * Two devices send one purchase with one key to the corrected service, with the
 * second request, every link's latency, the network's misbehaviour and a pause or
 * crash of a service instance all drawn by fast-check: whatever the interleaving,
 * the network charges the key at most once.
 */
describe('the corrected service under two concurrent requests with one key', () => {
  it('never lets the network charge twice', () => {
    fc.assert(
      fc.property(
        fc.record({
          seed: fc.integer({ min: 1, max: 1_000_000 }),
          stagger: fc.integer({ min: 0, max: ms(3000) }),
          latency: fc.array(fc.integer({ min: 100, max: ms(40) }), { minLength: 12, maxLength: 12 }),
          lostReplyRate: fc.double({ min: 0, max: 1, noNaN: true }),
          slowRate: fc.double({ min: 0, max: 1, noNaN: true }),
          errorRate: fc.double({ min: 0, max: 0.5, noNaN: true }),
          duplicate: fc.double({ min: 0, max: 0.5, noNaN: true }),
          fault: fc.option(fc.record({ kind: fc.constantFrom('pause' as const, 'crash' as const), node: fc.constantFrom('payments-1', 'payments-2', 'db'), at: fc.integer({ min: 0, max: seconds(3) }), duration: fc.integer({ min: ms(10), max: seconds(4) }) })),
        }),
        (p) => {
          const sim = new Simulation({ seed: p.seed });
          const plan = [{ key: 'key-1', at: ms(10), amount: 4200, card: 'card-1', devices: ['phone', 'laptop'], stagger: p.stagger, refund: false }];
          const services = ['payments-1', 'payments-2'];
          for (const device of ['phone', 'laptop']) sim.node(device, paymentClient({ plan, services, timeout: ms(1500), attempts: 6, backoff: ms(300) }));
          for (const id of services) sim.node(id, paymentService({ ...wiring, processor: 'corrected', store: 'idempotency-store' }));
          sim.node('db', database({ payments: { unique: [] } }));
          sim.node('card-network', cardNetwork({ ...DEFAULT_NETWORK, lostReplyRate: p.lostReplyRate, slowRate: p.slowRate, errorRate: p.errorRate, declineRate: 0 }));
          sim.node('reconciler', reconciliationJob({ ...wiring, every: seconds(5), olderThan: seconds(10), closeStuck: true }));
          const pairs: Array<[string, string]> = [['phone', 'payments-1'], ['phone', 'payments-2'], ['laptop', 'payments-1'], ['laptop', 'payments-2'], ['payments-1', 'db'], ['payments-2', 'db'], ['payments-1', 'card-network'], ['payments-2', 'card-network'], ['reconciler', 'db'], ['reconciler', 'card-network'], ['db', 'payments-1'], ['db', 'payments-2']];
          pairs.forEach(([from, to], i) => sim.link(from, to, { latency: { min: 100, max: p.latency[i]! } }));
          const charges: Fact[] = [];
          sim.property({ name: 'charges', observe: (f) => void (f.kind === 'network-charge' && charges.push(f)) });
          sim.property(chargedOnce());
          const faults: Fault[] = [{ at: 0, kind: 'degrade', loss: 0, duplicate: p.duplicate, reorder: 0.1, duration: seconds(20) }];
          if (p.fault) {
            const { kind, node, at, duration } = p.fault;
            faults.push(kind === 'pause' ? { at, kind, node, duration } : { at, kind, node, restartAfter: duration });
          }
          sim.schedule(faults);
          const result = sim.run(seconds(40));
          expect(result.violation).toBeUndefined();
          expect(charges.length).toBeLessThanOrEqual(1);
        },
      ),
      { numRuns: 150, seed: 20261124 },
    );
  });
});
