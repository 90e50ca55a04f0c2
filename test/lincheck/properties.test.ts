import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  checkLinearizability, kvModel, pairOperations, queueModel, registerModel, type Model, type Operation,
} from '../../src/check/linearizability/index.js';
import { events, type Op } from './helpers.js';
import { linearizableKvHistory, withStaleRead } from '../../bench/kv-history.js';

type Step = { f: string; key?: string; in?: unknown; out?: unknown };

/** Runs operations one after another against a real implementation, recording what each returned. */
function execute(model: 'register' | 'kv' | 'queue', draws: Array<{ kind: number; key: number; value: number }>): Step[] {
  const store = new Map<string, unknown>();
  const queue: unknown[] = [];
  return draws.map(({ kind, key, value }): Step => {
    const k = `k${key}`;
    if (model === 'queue') {
      if (kind % 2 === 0) return (queue.push(value), { f: 'enqueue', in: value });
      return { f: 'dequeue', out: queue.length > 0 ? queue.shift() : null };
    }
    const name = model === 'kv' ? k : 'r';
    const keyed = model === 'kv' ? { key: k } : {};
    if (kind % 2 === 0) return (store.set(name, value), { f: model === 'kv' ? 'put' : 'write', ...keyed, in: value });
    return { f: model === 'kv' ? 'get' : 'read', ...keyed, out: store.get(name) ?? null };
  });
}

/**
 * Gives each operation of a sequential run an interval around its moment of
 * effect; some clients never learn the outcome.
 */
function concurrentHistory(steps: Step[], spans: Array<{ before: number; after: number; unknown: boolean }>): Op[] {
  return steps.map((step, i) => {
    const span = spans[i]!;
    const moment = (i + 1) * 10;
    const end: number | 'info' = span.unknown ? 'info' : moment + span.after;
    return { p: `p${i}`, ...step, at: [Math.max(0, moment - span.before), end] };
  });
}

const draws = (n: number) => fc.array(fc.record({ kind: fc.nat(3), key: fc.nat(2), value: fc.nat(5) }), { minLength: 1, maxLength: n });
const spans = (n: number) => fc.array(fc.record({ before: fc.nat(40), after: fc.nat(40), unknown: fc.boolean() }), { minLength: n, maxLength: n });
const withSpans = (n: number) => draws(n).chain((d) => fc.tuple(fc.constant(d), spans(d.length)));

const MODELS = { register: registerModel, kv: kvModel, queue: queueModel } as const;

function verdictOf(model: Model, ops: Op[]) {
  return checkLinearizability(model, pairOperations(events(ops), (e) => model.validate(e))).verdict;
}

describe('histories of a sequential run with overlapping intervals', () => {
  for (const name of ['register', 'kv', 'queue'] as const) {
    it(`are always linearizable (${name})`, () => {
      fc.assert(fc.property(withSpans(40), ([d, s]) => {
        expect(verdictOf(MODELS[name], concurrentHistory(execute(name, d), s))).toBe('linearizable');
      }), { numRuns: 200 });
    });
  }

  it('never are once a read returns a value no one wrote', () => {
    fc.assert(fc.property(withSpans(40), fc.nat(400), ([d, s], at) => {
      const ops = concurrentHistory(execute('register', d), s);
      ops.push({ p: 'liar', f: 'read', out: 'never written', at: [at, at + 5] });
      expect(verdictOf(registerModel, ops)).toBe('not-linearizable');
    }), { numRuns: 200 });
  });
});

/** Every order of every subset that keeps all returned operations and real-time order, tried by brute force. */
function bruteForce(model: Model, ops: Operation[]): boolean {
  const known = ops.filter((op) => op.known).length;
  const used = new Set<Operation>();
  const walk = (state: unknown, order: Operation[], knownUsed: number): boolean => {
    if (knownUsed === known) return true;
    for (const op of ops) {
      if (used.has(op)) continue;
      // op can go next only if no unused operation returned before op was invoked.
      if (ops.some((other) => other !== op && other.known && !used.has(other) && other.ret < op.call)) continue;
      const r = model.step(state, op);
      if (!r.ok) continue;
      used.add(op);
      const found = walk(r.state, [...order, op], knownUsed + (op.known ? 1 : 0));
      used.delete(op);
      if (found) return true;
    }
    return false;
  };
  return walk(model.init(), [], 0);
}

describe('the search', () => {
  it('agrees with brute force on small random register histories', () => {
    const op = fc.record({
      kind: fc.constantFrom('write', 'read', 'cas'), value: fc.nat(2), expected: fc.nat(2),
      call: fc.nat(30), length: fc.nat(20), unknown: fc.boolean(),
    });
    const asValue = (n: number) => (n === 0 ? null : n);
    fc.assert(fc.property(fc.array(op, { minLength: 1, maxLength: 6 }), (drawn) => {
      const ops: Op[] = drawn.map((o, i) => ({
        p: `p${i}`, f: o.kind,
        ...(o.kind === 'write' ? { in: o.value } : o.kind === 'cas' ? { in: [asValue(o.expected), o.value] } : { out: asValue(o.value) }),
        at: [o.call, o.unknown ? 'info' : o.call + o.length],
      }));
      const operations = pairOperations(events(ops), (e) => registerModel.validate(e));
      const expected = bruteForce(registerModel, operations) ? 'linearizable' : 'not-linearizable';
      expect(checkLinearizability(registerModel, operations).verdict).toBe(expected);
    }), { numRuns: 2000 });
  });
});

describe('the benchmark histories', () => {
  it('are linearizable, and their copy with one stale read is not', () => {
    for (const keys of [1, 3]) {
      const history = linearizableKvHistory({ seed: `test-${keys}`, operations: 300, clients: 5, keys, unknown: 0.05 });
      expect(checkLinearizability(kvModel, history).verdict).toBe('linearizable');
      expect(checkLinearizability(kvModel, withStaleRead(history)).verdict).toBe('not-linearizable');
    }
  });
});
