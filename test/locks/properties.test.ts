import { describe, expect, it } from 'vitest';
import type { KernelFact } from '../../src/kernel/index.js';
import type { LockFact } from '../../src/designs/locking/facts.js';
import { fencingTokensIncrease, mutualExclusion, noDoubleWrite, tokensNeverDecrease } from '../../src/designs/locking/properties.js';
import { factsOf, firstBreach as judge } from '../fixtures/facts.js';

const fact = factsOf<LockFact | KernelFact>();

describe('mutual exclusion', () => {
  const enter = (t: number, client: string) => fact(t, client, 'cs-enter', { resource: 'r' });
  const exit = (t: number, client: string) => fact(t, client, 'cs-exit', { resource: 'r' });

  it('holds when critical sections follow one another', () => {
    expect(judge(mutualExclusion(), [enter(1, 'a'), exit(2, 'a'), enter(3, 'b'), exit(4, 'b'), enter(5, 'a')])).toBeUndefined();
  });

  it('is violated when a second client enters before the first has left, naming both', () => {
    const breach = judge(mutualExclusion(), [enter(1, 'a'), enter(3, 'b')]);
    expect(breach).toMatchObject({ t: 3, nodes: ['a', 'b'] });
    expect(breach!.message).toContain('b entered');
  });

  it('lets a crash end the crashed client\'s critical section', () => {
    expect(judge(mutualExclusion(), [enter(1, 'a'), fact(2, 'a', 'crash', {}), enter(3, 'b')])).toBeUndefined();
  });

  it('keeps resources apart', () => {
    expect(judge(mutualExclusion(), [enter(1, 'a'), fact(2, 'b', 'cs-enter', { resource: 'other' })])).toBeUndefined();
  });
});

describe('no double write', () => {
  const grant = (t: number, client: string, token: number) => fact(t, 'lock', 'lock-granted', { resource: 'r', client, token });
  const write = (t: number, client: string, token: number | null, accepted = true) =>
    fact(t, 'storage', 'storage-write', { resource: 'r', client, token, accepted });

  it('holds when accepted writes follow the order of the grants', () => {
    expect(judge(noDoubleWrite(), [grant(1, 'a', 1), write(2, 'a', 1), grant(3, 'b', 2), write(4, 'b', 2)])).toBeUndefined();
  });

  it('holds when a stale write arrives before the new holder has written (fencing cannot tell, and nothing was overwritten)', () => {
    expect(judge(noDoubleWrite(), [grant(1, 'a', 1), grant(3, 'b', 2), write(4, 'a', 1), write(5, 'b', 2)])).toBeUndefined();
  });

  it('is violated when the storage accepts an earlier holder\'s write after a later holder\'s', () => {
    const breach = judge(noDoubleWrite(), [grant(1, 'a', 34), grant(3, 'b', 35), write(4, 'b', 35), write(6, 'a', 34)]);
    expect(breach).toMatchObject({ t: 6, nodes: ['a', 'b', 'storage'] });
    expect(breach!.message).toContain('token 34');
  });

  it('does not count writes the storage refused', () => {
    expect(judge(noDoubleWrite(), [grant(1, 'a', 34), grant(3, 'b', 35), write(4, 'b', 35), write(6, 'a', 34, false)])).toBeUndefined();
  });

  it('judges a write by the grant its token names: a client granted twice may have its earlier write still on the way', () => {
    expect(judge(noDoubleWrite(), [grant(1, 'a', 5), grant(2, 'b', 6), grant(3, 'a', 7), write(4, 'a', 5), write(5, 'b', 6), write(6, 'a', 7)])).toBeUndefined();
  });

  it('is violated by a write whose token was granted to another client', () => {
    expect(judge(noDoubleWrite(), [grant(1, 'a', 5), write(2, 'b', 5)])?.message).toContain('never granted the lock with token 5');
  });

  it('is violated by a write from a client that was never granted the lock', () => {
    expect(judge(noDoubleWrite(), [write(1, 'intruder', null)])?.message).toContain('never granted');
  });
});

describe('tokens never decrease', () => {
  const write = (t: number, client: string, token: number | null, accepted = true) =>
    fact(t, 'storage', 'storage-write', { resource: 'r', client, token, accepted });

  it('holds while accepted tokens rise, whatever was refused or carried no token', () => {
    expect(judge(tokensNeverDecrease(), [write(1, 'a', 1), write(2, 'b', 3), write(3, 'a', 1, false), write(4, 'c', null), write(5, 'b', 3)])).toBeUndefined();
  });

  it('is violated when the storage accepts a lower token than one it accepted before', () => {
    const breach = judge(tokensNeverDecrease(), [write(1, 'b', 35), write(2, 'a', 34)]);
    expect(breach).toMatchObject({ t: 2, nodes: ['a', 'b', 'storage'] });
    expect(breach!.message).toContain('with token 34 after accepting b\'s with token 35');
  });
});

describe('fencing tokens increase', () => {
  const grant = (t: number, client: string, token: number) => fact(t, 'lock', 'lock-granted', { resource: 'r', client, token });

  it('holds while every grant carries a token above all before it, a grant reported again being one grant', () => {
    expect(judge(fencingTokensIncrease(), [grant(1, 'a', 1), grant(2, 'b', 2), grant(3, 'a', 1), grant(4, 'b', 2), grant(5, 'a', 9)])).toBeUndefined();
  });

  it('is violated by a service that hands out a token again after a restart', () => {
    const breach = judge(fencingTokensIncrease(), [grant(1, 'a', 1), grant(2, 'b', 2), fact(3, 'lock', 'crash', {}), grant(4, 'c', 1)]);
    expect(breach).toMatchObject({ t: 4, nodes: ['lock', 'c', 'b'] });
    expect(breach!.message).toContain('to c with token 1, not above token 2 granted to b');
  });

  it('is violated by an equal token granted to another client', () => {
    expect(judge(fencingTokensIncrease(), [grant(1, 'a', 3), grant(2, 'b', 3)])).toMatchObject({ t: 2 });
  });

  it('keeps resources apart', () => {
    expect(judge(fencingTokensIncrease(), [grant(1, 'a', 3), fact(2, 'lock', 'lock-granted', { resource: 'other', client: 'b', token: 1 })])).toBeUndefined();
  });
});
