import { describe, expect, it } from 'vitest';
import type { Fact, KernelFact } from '../../src/kernel/index.js';
import {
  historyFromFacts, kvModel, linearizable, pairOperations, registerModel, type OpFact,
} from '../../src/check/linearizability/index.js';
import { factsOf, firstBreach } from '../fixtures/facts.js';

const fact = factsOf<OpFact | KernelFact>();

function judgeFacts(facts: Array<Fact<OpFact | KernelFact>>, model = registerModel) {
  const property = linearizable(model);
  expect(firstBreach(property, facts)).toBeUndefined();
  return property.finish!({ t: 1_000, faultsOverAt: 0 });
}

describe('recording a history from facts', () => {
  it('pairs op facts per process, with true times', () => {
    const events = historyFromFacts([
      fact(1, 'c1', 'op-invoke', { process: 'c1', f: 'put', key: 'x', value: 1 }),
      fact(2, 'c1', 'pause', { until: 2 }),
      fact(3, 'c1', 'op-ok', { process: 'c1', f: 'put' }),
    ]);
    expect(events).toEqual([
      { process: 'c1', type: 'invoke', f: 'put', key: 'x', value: 1, time: 1 },
      { process: 'c1', type: 'ok', f: 'put', time: 3 },
    ]);
  });

  it('ends the pending operation of a crashed client with an unknown outcome', () => {
    const ops = pairOperations(historyFromFacts([
      fact(1, 'c1', 'op-invoke', { process: 'c1', f: 'write', value: 1 }),
      fact(5, 'c1', 'crash', {}),
      fact(9, 'c1', 'op-invoke', { process: 'c1', f: 'read' }),
      fact(12, 'c1', 'op-ok', { process: 'c1', f: 'read', value: 1 }),
    ]));
    expect(ops.map((op) => [op.f, op.known, op.ret])).toEqual([['write', false, Infinity], ['read', true, 12]]);
  });
});

describe('the linearizable property', () => {
  it('passes a run whose clients saw a linearizable history (pending operations count as unknown)', () => {
    expect(judgeFacts([
      fact(10, 'c1', 'op-invoke', { process: 'c1', f: 'write', value: 'a' }),
      fact(20, 'c1', 'op-ok', { process: 'c1', f: 'write' }),
      fact(30, 'c2', 'op-invoke', { process: 'c2', f: 'write', value: 'b' }),
      fact(40, 'c1', 'op-invoke', { process: 'c1', f: 'read' }),
      fact(50, 'c1', 'op-ok', { process: 'c1', f: 'read', value: 'b' }),
    ])).toBeUndefined();
  });

  it('reports a stale read with the window that cannot be ordered and the clients involved', () => {
    const breach = judgeFacts([
      fact(10, 'c1', 'op-invoke', { process: 'c1', f: 'write', value: 'a' }),
      fact(20, 'c1', 'op-ok', { process: 'c1', f: 'write' }),
      fact(30, 'c1', 'op-invoke', { process: 'c1', f: 'write', value: 'b' }),
      fact(40, 'c1', 'op-ok', { process: 'c1', f: 'write' }),
      fact(50, 'c2', 'op-invoke', { process: 'c2', f: 'read' }),
      fact(60, 'c2', 'op-ok', { process: 'c2', f: 'read', value: 'a' }),
    ]);
    expect(breach?.message).toContain('c2 read → "a"');
    expect(breach?.nodes).toEqual(['c2', 'c1']);
  });

  it('checks a key-value history key by key', () => {
    const breach = judgeFacts([
      fact(10, 'c1', 'op-invoke', { process: 'c1', f: 'put', key: 'x', value: 1 }),
      fact(20, 'c1', 'op-ok', { process: 'c1', f: 'put' }),
      fact(30, 'c2', 'op-invoke', { process: 'c2', f: 'get', key: 'y' }),
      fact(40, 'c2', 'op-ok', { process: 'c2', f: 'get', value: 1 }),
    ], kvModel);
    expect(breach?.message).toContain('on key "y"');
  });
});
