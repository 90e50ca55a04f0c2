import { describe, expect, it } from 'vitest';
import { kvModel, lockModel, queueModel, registerModel, startingFrom } from '../../src/check/linearizability/index.js';
import { check, verdict } from './helpers.js';

describe('register', () => {
  it('accepts a read that overlaps a write and sees either value', () => {
    expect(verdict(registerModel, [
      { p: 'a', f: 'write', in: 1, at: [0, 10] },
      { p: 'b', f: 'read', out: 1, at: [5, 15] },
      { p: 'c', f: 'read', out: null, at: [6, 8] },
    ])).toBe('linearizable');
  });

  it('rejects a stale read: the write returned before the read began', () => {
    expect(verdict(registerModel, [
      { p: 'a', f: 'write', in: 1, at: [0, 10] },
      { p: 'a', f: 'write', in: 2, at: [11, 20] },
      { p: 'b', f: 'read', out: 1, at: [21, 30] },
    ])).toBe('not-linearizable');
  });

  it('rejects two readers that see the writes in opposite orders', () => {
    expect(verdict(registerModel, [
      { p: 'a', f: 'write', in: 1, at: [0, 100] },
      { p: 'b', f: 'write', in: 2, at: [0, 100] },
      { p: 'c', f: 'read', out: 1, at: [10, 20] },
      { p: 'c', f: 'read', out: 2, at: [30, 40] },
      { p: 'd', f: 'read', out: 2, at: [10, 20] },
      { p: 'd', f: 'read', out: 1, at: [30, 40] },
    ])).toBe('not-linearizable');
  });

  it('needs the write of unknown outcome to explain a read of its value', () => {
    const read3 = { p: 'b', f: 'read', out: 3, at: [50, 60] as [number, number] };
    expect(verdict(registerModel, [{ p: 'a', f: 'write', in: 3, at: [0, 'info'] }, read3])).toBe('linearizable');
    expect(verdict(registerModel, [{ p: 'a', f: 'write', in: 3, at: [0, 'fail'] }, read3])).toBe('not-linearizable');
  });

  it('lets a write of unknown outcome take effect long after its client gave up, or never', () => {
    expect(verdict(registerModel, [
      { p: 'a', f: 'write', in: 3, at: [0, 'info'] },
      { p: 'b', f: 'read', out: null, at: [10, 20] },
      { p: 'b', f: 'write', in: 4, at: [30, 40] },
      { p: 'b', f: 'read', out: 3, at: [50, 60] },
    ])).toBe('linearizable');
    expect(verdict(registerModel, [
      { p: 'a', f: 'write', in: 3, at: [0, 'info'] },
      { p: 'b', f: 'read', out: null, at: [100, 110] },
    ])).toBe('linearizable');
  });

  it('applies compare-and-set only when the expected value is there', () => {
    expect(verdict(registerModel, [
      { p: 'a', f: 'write', in: 1, at: [0, 10] },
      { p: 'b', f: 'cas', in: [1, 2], at: [20, 30] },
      { p: 'c', f: 'read', out: 2, at: [40, 50] },
    ])).toBe('linearizable');
    expect(verdict(registerModel, [
      { p: 'a', f: 'write', in: 1, at: [0, 10] },
      { p: 'b', f: 'cas', in: [5, 2], at: [20, 30] },
    ])).toBe('not-linearizable');
  });
});

describe('key-value store', () => {
  it('checks each key on its own and names the key that fails', () => {
    const result = check(kvModel, [
      { p: 'a', f: 'put', key: 'x', in: 1, at: [0, 10] },
      { p: 'b', f: 'put', key: 'y', in: 7, at: [0, 10] },
      { p: 'c', f: 'get', key: 'x', out: 1, at: [20, 30] },
      { p: 'c', f: 'get', key: 'y', out: null, at: [40, 50] },
    ]);
    expect(result.verdict).toBe('not-linearizable');
    expect(result.partitions).toBe(2);
    if (result.verdict === 'not-linearizable') expect(result.counterexample.partition).toBe('y');
  });

  it('accepts reads of concurrent puts on different keys in any interleaving', () => {
    expect(verdict(kvModel, [
      { p: 'a', f: 'put', key: 'x', in: 1, at: [0, 50] },
      { p: 'b', f: 'put', key: 'y', in: 2, at: [0, 50] },
      { p: 'c', f: 'get', key: 'x', out: 1, at: [10, 20] },
      { p: 'd', f: 'get', key: 'y', out: null, at: [25, 30] },
    ])).toBe('linearizable');
  });

  it('explains a read only with the put of unknown outcome', () => {
    const ops = (outcome: 'info' | 'fail') => [
      { p: 'a', f: 'put', key: 'x', in: 'v1', at: [0, 10] as [number, number] },
      { p: 'b', f: 'put', key: 'x', in: 'v2', at: [20, outcome] as [number, 'info' | 'fail'] },
      { p: 'c', f: 'get', key: 'x', out: 'v2', at: [100, 110] as [number, number] },
      { p: 'c', f: 'get', key: 'x', out: 'v2', at: [120, 130] as [number, number] },
    ];
    expect(verdict(kvModel, ops('info'))).toBe('linearizable');
    expect(verdict(kvModel, ops('fail'))).toBe('not-linearizable');
  });

  it('does not let a put of unknown outcome take effect twice', () => {
    expect(verdict(kvModel, [
      { p: 'a', f: 'put', key: 'x', in: 'v1', at: [0, 'info'] },
      { p: 'b', f: 'get', key: 'x', out: 'v1', at: [10, 20] },
      { p: 'b', f: 'put', key: 'x', in: 'v2', at: [30, 40] },
      { p: 'b', f: 'get', key: 'x', out: 'v1', at: [50, 60] },
    ])).toBe('not-linearizable');
  });
});

describe('key-value store: append (Porcupine\'s kv model)', () => {
  it('accepts a get that sees the appends in an order consistent with real time', () => {
    expect(verdict(kvModel, [
      { p: 'a', f: 'append', key: 'x', in: 'ab', at: [0, 10] },
      { p: 'b', f: 'append', key: 'x', in: 'cd', at: [5, 30] },
      { p: 'c', f: 'get', key: 'x', out: 'ab', at: [12, 14] },
      { p: 'c', f: 'get', key: 'x', out: 'abcd', at: [40, 50] },
    ])).toBe('linearizable');
  });

  it('rejects a get that sees appends in the opposite order to real time', () => {
    expect(verdict(kvModel, [
      { p: 'a', f: 'append', key: 'x', in: 'ab', at: [0, 10] },
      { p: 'b', f: 'append', key: 'x', in: 'cd', at: [20, 30] },
      { p: 'c', f: 'get', key: 'x', out: 'cdab', at: [40, 50] },
    ])).toBe('not-linearizable');
  });

  it('rejects a get that lost an acknowledged append', () => {
    expect(verdict(kvModel, [
      { p: 'a', f: 'put', key: 'x', in: 'p', at: [0, 10] },
      { p: 'b', f: 'append', key: 'x', in: 'q', at: [20, 30] },
      { p: 'c', f: 'get', key: 'x', out: 'p', at: [40, 50] },
    ])).toBe('not-linearizable');
  });

  it('keeps a put of unknown outcome in play when a later get sees it only through an append', () => {
    // The put's value "p" is never read as such, only as "pq": retiring the put after
    // the last read of "p" (as a plain register may) would wrongly reject this.
    expect(verdict(kvModel, [
      { p: 'a', f: 'put', key: 'x', in: 'p', at: [0, 'info'] },
      { p: 'b', f: 'append', key: 'x', in: 'q', at: [20, 30] },
      { p: 'c', f: 'get', key: 'x', out: 'pq', at: [40, 50] },
    ])).toBe('linearizable');
  });

  it('starts every key at the initial state, as Porcupine\'s model starts at ""', () => {
    const ops = [
      { p: 'a', f: 'get', key: 'y', out: '', at: [0, 5] as [number, number] },
      { p: 'a', f: 'append', key: 'y', in: 'z', at: [10, 20] as [number, number] },
      { p: 'b', f: 'get', key: 'y', out: 'z', at: [30, 40] as [number, number] },
    ];
    expect(verdict(kvModel, ops)).toBe('not-linearizable');
    expect(verdict(startingFrom(kvModel, ''), ops)).toBe('linearizable');
  });
});

describe('initial state', () => {
  const readZero = [{ p: 'a', f: 'read', out: 0, at: [0, 10] as [number, number] }, { p: 'b', f: 'write', in: 1, at: [20, 30] as [number, number] }];

  it('a read of 0 before any write is linearizable only for a register starting at 0', () => {
    expect(verdict(registerModel, readZero)).toBe('not-linearizable');
    expect(verdict(startingFrom(registerModel, 0), readZero)).toBe('linearizable');
    expect(verdict(startingFrom(registerModel, ''), readZero)).toBe('not-linearizable');
  });

  it('a queue may start with items and a lock with a holder', () => {
    expect(verdict(startingFrom(queueModel, [7]), [{ p: 'a', f: 'dequeue', out: 7, at: [0, 10] }])).toBe('linearizable');
    expect(verdict(queueModel, [{ p: 'a', f: 'dequeue', out: 7, at: [0, 10] }])).toBe('not-linearizable');
    expect(verdict(startingFrom(lockModel, 'a'), [{ p: 'a', f: 'release', at: [0, 10] }])).toBe('linearizable');
    expect(verdict(lockModel, [{ p: 'a', f: 'release', at: [0, 10] }])).toBe('not-linearizable');
  });

  it('refuses a state the model cannot be in, naming it', () => {
    expect(() => startingFrom(queueModel, 3)).toThrow('queue: the initial state of a queue is the array of its items');
    expect(() => startingFrom(lockModel, 3)).toThrow('lock: the initial state of a lock is its holder');
  });
});

describe('lock', () => {
  it('accepts acquire and release handed from one holder to the next', () => {
    expect(verdict(lockModel, [
      { p: 'a', f: 'acquire', at: [0, 10] },
      { p: 'b', f: 'acquire', at: [5, 40] },
      { p: 'a', f: 'release', at: [20, 30] },
      { p: 'b', f: 'release', at: [50, 60] },
    ])).toBe('linearizable');
  });

  it('rejects two holders at once', () => {
    expect(verdict(lockModel, [
      { p: 'a', f: 'acquire', at: [0, 10] },
      { p: 'b', f: 'acquire', at: [20, 30] },
    ])).toBe('not-linearizable');
  });

  it('accepts a second holder only if the first holder\'s release of unknown outcome happened', () => {
    const ops = (release: 'info' | 'fail') => [
      { p: 'a', f: 'acquire', at: [0, 10] as [number, number] },
      { p: 'a', f: 'release', at: [15, release] as [number, 'info' | 'fail'] },
      { p: 'b', f: 'acquire', at: [20, 30] as [number, number] },
    ];
    expect(verdict(lockModel, ops('info'))).toBe('linearizable');
    expect(verdict(lockModel, ops('fail'))).toBe('not-linearizable');
  });

  it('rejects a release by a process that does not hold the lock', () => {
    expect(verdict(lockModel, [
      { p: 'a', f: 'acquire', at: [0, 10] },
      { p: 'b', f: 'release', at: [20, 30] },
    ])).toBe('not-linearizable');
  });
});

describe('FIFO queue', () => {
  it('accepts dequeues in the order of non-overlapping enqueues', () => {
    expect(verdict(queueModel, [
      { p: 'a', f: 'enqueue', in: 1, at: [0, 10] },
      { p: 'a', f: 'enqueue', in: 2, at: [20, 30] },
      { p: 'b', f: 'dequeue', out: 1, at: [40, 50] },
      { p: 'b', f: 'dequeue', out: 2, at: [60, 70] },
      { p: 'b', f: 'dequeue', out: null, at: [80, 90] },
    ])).toBe('linearizable');
  });

  it('rejects dequeues out of order', () => {
    expect(verdict(queueModel, [
      { p: 'a', f: 'enqueue', in: 1, at: [0, 10] },
      { p: 'a', f: 'enqueue', in: 2, at: [20, 30] },
      { p: 'b', f: 'dequeue', out: 2, at: [40, 50] },
    ])).toBe('not-linearizable');
  });

  it('accepts either order for overlapping enqueues', () => {
    expect(verdict(queueModel, [
      { p: 'a', f: 'enqueue', in: 1, at: [0, 30] },
      { p: 'c', f: 'enqueue', in: 2, at: [10, 20] },
      { p: 'b', f: 'dequeue', out: 2, at: [40, 50] },
      { p: 'b', f: 'dequeue', out: 1, at: [60, 70] },
    ])).toBe('linearizable');
  });

  it('rejects an empty dequeue while a value is certainly in the queue', () => {
    expect(verdict(queueModel, [
      { p: 'a', f: 'enqueue', in: 1, at: [0, 10] },
      { p: 'b', f: 'dequeue', out: null, at: [20, 30] },
    ])).toBe('not-linearizable');
  });

  it('explains a missing value only by a dequeue of unknown outcome', () => {
    const ops = (lost: 'info' | 'fail') => [
      { p: 'a', f: 'enqueue', in: 1, at: [0, 10] as [number, number] },
      { p: 'a', f: 'enqueue', in: 2, at: [20, 30] as [number, number] },
      { p: 'c', f: 'dequeue', at: [35, lost] as [number, 'info' | 'fail'] },
      { p: 'b', f: 'dequeue', out: 2, at: [40, 50] as [number, number] },
    ];
    expect(verdict(queueModel, ops('info'))).toBe('linearizable');
    expect(verdict(queueModel, ops('fail'))).toBe('not-linearizable');
  });
});

describe('the report of a non-linearizable history', () => {
  it('names the operation that cannot take effect and the state the search reached', () => {
    const result = check(registerModel, [
      { p: 'a', f: 'write', in: 1, at: [0, 10] },
      { p: 'a', f: 'write', in: 2, at: [11, 20] },
      { p: 'b', f: 'read', out: 1, at: [21, 30] },
    ]);
    if (result.verdict !== 'not-linearizable') throw new Error('expected a violation');
    const c = result.counterexample;
    expect(c.linearized).toBe(2);
    expect(c.state).toBe('2');
    expect(c.stuck).toMatchObject({ process: 'b', f: 'read', output: 1 });
    expect(c.recent.map((op) => op.input)).toEqual([1, 2]);
  });
});
