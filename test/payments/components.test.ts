import { describe, expect, it } from 'vitest';
import { call, minutes, ms, seconds, Simulation, sleep, type Fact, type KernelFact, type Reply, type Workflow } from '../../src/kernel/index.js';
import { database, type DbOp, type DbReply } from '../../src/designs/payments/database.js';
import type { PaymentsFact } from '../../src/designs/payments/facts.js';
import { idempotencyStore } from '../../src/designs/payments/idempotency-store.js';
import { paymentSummary } from '../../src/designs/payments/summary.js';
import { factsOf } from '../fixtures/facts.js';

/** Runs `script` on a driver node against one component; returns what the script recorded and the facts. */
function drive(component: Parameters<Simulation['node']>[1], script: (record: (x: unknown) => void) => Workflow, faults: Parameters<Simulation['schedule']>[0] = []) {
  const sim = new Simulation({ seed: 1 });
  const recorded: unknown[] = [];
  const facts: Fact[] = [];
  sim.node('c', component);
  sim.node('driver', (ctx) => ctx.spawn(script((x) => recorded.push(x))));
  sim.property({ name: 'facts', observe: (f) => void facts.push(f) });
  sim.schedule(faults);
  sim.run(seconds(10));
  return { recorded, facts };
}

function* tx(ops: DbOp[]) {
  const reply = yield* call<DbReply>('c', { type: 'tx', ops }, ms(100));
  return reply.ok ? reply.body : undefined;
}

const schema = { payments: { unique: ['idempotency_key'] } };
const payment = (id: string, key: string) => ({ op: 'insert', table: 'payments', row: { id, idempotency_key: key, status: 'PENDING' } }) as const;

describe('database', () => {
  it('commits every statement of a transaction or none: a unique violation aborts the outbox row with it', () => {
    const { recorded } = drive(database(schema), function* (record) {
      record(yield* tx([payment('p1', 'k1'), { op: 'insert', table: 'outbox', row: { type: 'payment.pending' } }]));
      record(yield* tx([{ op: 'insert', table: 'outbox', row: { type: 'payment.pending' } }, payment('p2', 'k1')]));
      record(yield* tx([{ op: 'scan', table: 'outbox' }]));
    });
    expect(recorded[0]).toMatchObject({ type: 'committed' });
    expect(recorded[1]).toMatchObject({ type: 'aborted', reason: 'unique', column: 'idempotency_key', existing: { id: 'p1' } });
    expect((recorded[2] as { results: unknown[][] }).results[0]).toHaveLength(1);
  });

  it('refuses a compare-and-set update whose expectation no longer holds', () => {
    const { recorded } = drive(database(schema), function* (record) {
      yield* tx([payment('p1', 'k1')]);
      record(yield* tx([{ op: 'update', table: 'payments', id: 'p1', set: { status: 'AUTHORIZED' }, expect: { status: 'PENDING' } }]));
      record(yield* tx([{ op: 'update', table: 'payments', id: 'p1', set: { status: 'FAILED' }, expect: { status: 'PENDING' } }]));
    });
    expect(recorded[0]).toMatchObject({ type: 'committed' });
    expect(recorded[1]).toMatchObject({ type: 'aborted', reason: 'conflict', current: { status: 'AUTHORIZED' } });
  });

  it('keeps committed transactions across a crash and loses those that had not reached it', () => {
    const { recorded } = drive(
      database(schema),
      function* (record) {
        record(yield* tx([payment('p1', 'k1')]));
        yield* sleep(ms(500));
        record(yield* tx([payment('p2', 'k2')])); // sent while the database is down
        yield* sleep(seconds(2));
        record(yield* tx([{ op: 'scan', table: 'payments' }]));
      },
      [{ at: ms(100), kind: 'crash', node: 'c', restartAfter: seconds(1) }],
    );
    expect(recorded[1]).toBeUndefined();
    const rows = (recorded[2] as { results: Array<Array<{ id: string }>> }).results[0]!;
    expect(rows.map((r) => r.id)).toEqual(['p1']);
  });

  it('records every committed row as a fact, with the row before and after', () => {
    const { facts } = drive(database(schema), function* () {
      yield* tx([payment('p1', 'k1')]);
      yield* tx([{ op: 'update', table: 'payments', id: 'p1', set: { status: 'AUTHORIZED' } }]);
    });
    const rows = facts.filter((f) => f.kind === 'db-row').map((f) => [(f.data.before as { status: string } | null)?.status ?? null, (f.data.after as { status: string }).status]);
    expect(rows).toEqual([
      [null, 'PENDING'],
      ['PENDING', 'AUTHORIZED'],
    ]);
  });
});

const answer = (reply: Reply) => (reply.ok ? reply.body : undefined);

describe('idempotency store', () => {
  it('forgets a key once its TTL has passed on its own clock', () => {
    const { recorded } = drive(idempotencyStore(), function* (record) {
      yield* call('c', { type: 'set', key: 'k', value: { status: 'completed', result: 1 }, ttl: seconds(2) }, ms(100));
      record(answer(yield* call('c', { type: 'get', key: 'k' }, ms(100))));
      yield* sleep(seconds(3));
      record(answer(yield* call('c', { type: 'get', key: 'k' }, ms(100))));
    });
    expect(recorded).toEqual([
      { type: 'value', value: { status: 'completed', result: 1 } },
      { type: 'value', value: null },
    ]);
  });

  it('keeps keys 24 h across a crash', () => {
    const { recorded } = drive(
      idempotencyStore(),
      function* (record) {
        yield* call('c', { type: 'set', key: 'k', value: { status: 'completed', result: 1 }, ttl: minutes(24 * 60) }, ms(100));
        yield* sleep(seconds(5));
        record(answer(yield* call('c', { type: 'get', key: 'k' }, ms(100))));
      },
      [{ at: seconds(1), kind: 'crash', node: 'c', restartAfter: seconds(1) }],
    );
    expect(recorded).toEqual([{ type: 'value', value: { status: 'completed', result: 1 } }]);
  });
});

describe('payment summary', () => {
  it('counts attempted and charged keys, double charges, reconciled PENDING payments and refunds', () => {
    const summary = paymentSummary();
    const f = factsOf<PaymentsFact | KernelFact>();
    const attempt = (key: string, n: number) => f(0, 'phone', 'pay-attempt', { key, device: 'phone', attempt: n, request: `phone/pay/${key}#${n}`, service: 'payments-1' });
    const inserted = (id: string, key: string) => f(0, 'db', 'db-row', { table: 'payments', id, before: null, after: { id, idempotency_key: key } });
    const charged = (charge: string, reference: string, key: string | null) => f(0, 'card-network', 'network-charge', { charge, reference, key, card: 'c', amount: 100 });
    for (const fact of [
      attempt('k1', 1),
      attempt('k1', 2),
      attempt('k2', 1),
      attempt('k3', 1),
      inserted('p1', 'k1'),
      inserted('p2', 'k1'),
      charged('ch-1', 'p1', null),
      charged('ch-2', 'p2', null),
      charged('ch-3', 'p3', 'k2'),
      f(0, 'reconciler', 'reconciled', { payment: 'p3', from: 'PENDING', to: 'AUTHORIZED' }),
      f(0, 'reconciler', 'reconciled', { payment: 'p3', from: 'AUTHORIZED', to: 'CAPTURED' }),
      f(0, 'card-network', 'network-refund', { charge: 'ch-3', reference: 'p3', refund: 'rf-1', amount: 100 }),
    ]) {
      summary.collect(fact);
    }
    expect(summary.render()).toBe('payments attempted 3, charged 2, double-charged 1, pending resolved by reconciliation 1, refunds 1');
  });
});
