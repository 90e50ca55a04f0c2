import { describe, expect, it } from 'vitest';
import { ms, seconds, type NodeContext } from '../../src/kernel/index.js';
import { lockMachine, type LockCommand, type LockState } from '../../src/designs/raft-lock/machine.js';

const heartbeat = ms(50);
const ttl = seconds(3);
const acquire = (client: string): LockCommand => ({ type: 'acquire', resource: 'r', client, ttl });

/** A machine for a replica whose wall clock reads `clock.now` (its probes go nowhere). */
function machineAt(expiry: 'log' | 'local-clock', clock = { now: 0 }) {
  return lockMachine({ expiry, heartbeat })({ now: () => clock.now, probe: () => undefined } as unknown as NodeContext);
}

/** Applies commands at consecutive log indexes starting at `from`; returns the last state and every result. */
function applyAll(machine: ReturnType<typeof machineAt>, commands: LockCommand[], from = 1, state: LockState = machine.initial) {
  const results = commands.map((command, i) => {
    const step = machine.apply(state, command, from + i);
    state = step.state;
    return step.result;
  });
  return { state, results };
}

describe('the lock table (leases ended by the log)', () => {
  it('grants a free resource with the log index as fencing token, and refuses it while held', () => {
    const { results } = applyAll(machineAt('log'), [acquire('c1'), acquire('c2')], 7);
    expect(results).toEqual([{ type: 'granted', token: 7 }, { type: 'held', by: 'c1' }]);
  });
  it('tokens grow with every grant of the resource', () => {
    const m = machineAt('log');
    const { results } = applyAll(m, [acquire('c1'), { type: 'release', resource: 'r', client: 'c1', token: 1 }, acquire('c2')]);
    expect(results[2]).toEqual({ type: 'granted', token: 3 });
  });
  it('only the holder, with its token, renews or releases', () => {
    const { results } = applyAll(machineAt('log'), [
      acquire('c1'),
      { type: 'renew', resource: 'r', client: 'c2', token: 1 },
      { type: 'renew', resource: 'r', client: 'c1', token: 99 },
      { type: 'release', resource: 'r', client: 'c2', token: 1 },
      { type: 'renew', resource: 'r', client: 'c1', token: 1 },
      { type: 'release', resource: 'r', client: 'c1', token: 1 },
    ]);
    expect(results.slice(1)).toEqual([{ type: 'not-held' }, { type: 'not-held' }, { type: 'not-held' }, { type: 'renewed' }, { type: 'released' }]);
  });
  it('an expiry ends the lease it names, but not one renewed since it was proposed', () => {
    const m = machineAt('log');
    const renewedSince = applyAll(m, [acquire('c1'), { type: 'renew', resource: 'r', client: 'c1', token: 1 }, { type: 'expire', resource: 'r', token: 1, refreshedAt: 1 }]);
    expect(renewedSince.results[2]).toEqual({ type: 'not-held' });
    const expired = applyAll(m, [acquire('c1'), { type: 'expire', resource: 'r', token: 1, refreshedAt: 1 }, acquire('c2')]);
    expect(expired.results.slice(1)).toEqual([{ type: 'expired' }, { type: 'granted', token: 3 }]);
  });
  it('never mutates the state it is given', () => {
    const m = machineAt('log');
    const before = m.initial;
    m.apply(before, acquire('c1'), 1);
    expect(before.leases.size).toBe(0);
  });
  it('time on a replica’s clock changes nothing: only log entries end a lease', () => {
    const clock = { now: 0 };
    const m = machineAt('log', clock);
    const { state } = applyAll(m, [acquire('c1')]);
    clock.now = seconds(3600);
    expect(m.apply(state, acquire('c2'), 2).result).toEqual({ type: 'held', by: 'c1' });
  });
});

describe('the leader proposes expiries on its heartbeats', () => {
  const beatsPerTtl = ttl / heartbeat;

  it('proposes an expiry once a lease has gone a whole TTL of heartbeats unrenewed', () => {
    const m = machineAt('log');
    const { state } = applyAll(m, [acquire('c1')]);
    for (let beat = 1; beat < beatsPerTtl; beat++) expect(m.leaderTick!(state)).toEqual([]);
    expect(m.leaderTick!(state)).toEqual([{ type: 'expire', resource: 'r', token: 1, refreshedAt: 1 }]);
  });
  it('a renewal starts the count again', () => {
    const m = machineAt('log');
    let { state } = applyAll(m, [acquire('c1')]);
    for (let beat = 1; beat < beatsPerTtl; beat++) m.leaderTick!(state);
    state = m.apply(state, { type: 'renew', resource: 'r', client: 'c1', token: 1 }, 2).state;
    for (let beat = 1; beat < beatsPerTtl; beat++) expect(m.leaderTick!(state)).toEqual([]);
    expect(m.leaderTick!(state)).toEqual([{ type: 'expire', resource: 'r', token: 1, refreshedAt: 2 }]);
  });
  it('a new leader counts from its election, never from what it counted before', () => {
    const m = machineAt('log');
    const { state } = applyAll(m, [acquire('c1')]);
    for (let beat = 1; beat < beatsPerTtl; beat++) m.leaderTick!(state);
    m.elected!();
    expect(m.leaderTick!(state)).toEqual([]);
  });
});

describe('the bug: each replica judges expiry by its own clock', () => {
  it('two replicas applying the same log reach different results when their clocks disagree', () => {
    const fast = { now: 0 };
    const slow = { now: 0 };
    const a = machineAt('local-clock', fast);
    const b = machineAt('local-clock', slow);
    const onA = applyAll(a, [acquire('c1')]).state;
    const onB = applyAll(b, [acquire('c1')]).state;
    fast.now = seconds(3.5); // this replica's clock jumped or ran fast
    slow.now = seconds(2);
    expect(a.apply(onA, acquire('c2'), 2).result).toEqual({ type: 'granted', token: 2 });
    expect(b.apply(onB, acquire('c2'), 2).result).toEqual({ type: 'held', by: 'c1' });
  });
  it('proposes no expiries: there is nothing for the log to decide', () => {
    const m = machineAt('local-clock');
    const { state } = applyAll(m, [acquire('c1')]);
    for (let beat = 0; beat < 200; beat++) expect(m.leaderTick!(state)).toEqual([]);
  });
});
