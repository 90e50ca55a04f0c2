import { describe, expect, it } from 'vitest';
import { judge, runScenario } from '../../src/kernel/index.js';
import { kvMachine } from '../../src/designs/raft-kv/machine.js';
import raftKv from '../../scenarios/raft-kv.js';
import raftKvStaleLeader from '../../scenarios/raft-kv-stale-leader.js';

const seeds = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

describe('the key-value state machine', () => {
  it('returns what was last put, and null for a key never written', () => {
    const put = kvMachine.apply(kvMachine.initial, { type: 'put', key: 'x', value: 'a' }, 1);
    expect(kvMachine.apply(put.state, { type: 'get', key: 'x' }, 2).result).toEqual({ type: 'value', value: 'a' });
    expect(kvMachine.apply(put.state, { type: 'get', key: 'y' }, 2).result).toEqual({ type: 'value', value: null });
    expect(kvMachine.initial).toEqual({}); // applying never mutates a state
  });
});

describe('a key-value store on Raft, judged by the linearizability checker', () => {
  it('is linearizable under random faults, over long histories that include unknown outcomes', () => {
    const runs = seeds(8).map((seed) => runScenario(raftKv, seed, { trace: true }));
    expect(judge(raftKv, runs).matches).toBe(true);
    const facts = runs.flatMap((r) => r.trace!.filter((e) => e.kind === 'fact'));
    expect(facts.filter((e) => e.kind === 'fact' && e.fact === 'op-ok').length).toBeGreaterThan(8 * 200);
    expect(facts.some((e) => e.kind === 'fact' && e.fact === 'op-info')).toBe(true);
  });

  it('catches a leader that answers from local state, and says when the stale read happened', () => {
    const runs = seeds(20).map((seed) => runScenario(raftKvStaleLeader, seed));
    const verdict = judge(raftKvStaleLeader, runs);
    expect(verdict.matches).toBe(true);
    const { violation } = verdict.violations[0]!;
    expect(violation!.at).toBeLessThan(violation!.t);
  });
});
