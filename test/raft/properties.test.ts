import { describe, expect, it } from 'vitest';
import { ms, seconds, type Fact, type Fault, type Property, type RunEnd } from '../../src/kernel/index.js';
import { noDoubleWrite, tokensNeverDecrease } from '../../src/designs/locking/properties.js';
import { appliedOnce, electionSafety, leaderCompleteness, logMatching, stateMachineSafety } from '../../src/designs/raft/properties.js';
import { grantsAfterHealing, noMinorityGrant, noUncommittedGrant } from '../../src/designs/raft-lock/properties.js';

type Step = Omit<Fact, 't'> & { t?: number };

/** Feeds a hand-built history to a fresh property; returns the first breach message, if any. */
function judge(property: Property, history: Step[], end?: RunEnd): string | undefined {
  let t = 0;
  for (const step of history) {
    t = step.t ?? t + 1;
    const breach = property.observe?.({ ...step, t });
    if (breach) return breach.message;
  }
  return end ? property.finish?.(end)?.message : undefined;
}

const leader = (node: string, term: number, logTerms: number[] = []): Step => ({ node, kind: 'became-leader', data: { term, logTerms } });
const appended = (node: string, from: number, prevTerm: number, terms: number[], ids: string[]): Step => ({
  node, kind: 'log-appended', data: { from, prevTerm, terms, ids },
});
const committed = (node: string, index: number, term: number, leaderTerm: number): Step => ({ node, kind: 'committed', data: { index, term, leaderTerm } });
const applied = (node: string, index: number, id: string, result: unknown): Step => ({ node, kind: 'applied', data: { index, id, result } });
const granted = (node: string, client: string, token: number, t?: number): Step => ({ node, kind: 'lock-granted', data: { resource: 'r', client, token }, t });
const write = (client: string, token: number | null, accepted = true): Step => ({
  node: 'storage', kind: 'storage-write', data: { resource: 'r', client, token, accepted },
});

describe('applied once', () => {
  const ran = (node: string, index: number, session: string, seq: number): Step => ({ node, kind: 'command-applied', data: { index, session, seq } });
  it('holds when each replica runs each command once, and again only after a restart rebuilt its state', () => {
    const history = [ran('a', 1, 'c1', 1), ran('b', 1, 'c1', 1), ran('a', 2, 'c1', 2), { node: 'a', kind: 'crash', data: {} }, ran('a', 1, 'c1', 1), ran('a', 2, 'c1', 2)];
    expect(judge(appliedOnce(), history)).toBeUndefined();
  });
  it('fails when a replica runs a retried command a second time, whatever the command did to the state', () => {
    expect(judge(appliedOnce(), [ran('a', 4, 'c1', 7), ran('a', 6, 'c1', 7)])).toMatch(/a applied command 7 of session c1 again at index 6, having applied it at index 4/);
  });
  it('keeps sessions apart', () => {
    expect(judge(appliedOnce(), [ran('a', 1, 'c1', 1), ran('a', 2, 'c2', 1)])).toBeUndefined();
  });
});

describe('election safety', () => {
  it('holds when each term has one leader', () => {
    expect(judge(electionSafety(), [leader('a', 1), leader('b', 2), leader('b', 2)])).toBeUndefined();
  });
  it('fails when two servers lead the same term', () => {
    expect(judge(electionSafety(), [leader('a', 3), leader('b', 3)])).toMatch(/b became leader of term 3, which a already leads/);
  });
});

describe('log matching', () => {
  it('holds when the same (index, term) is always the same entry after the same term', () => {
    const history = [appended('a', 1, 0, [1, 1], ['x', 'y']), appended('b', 1, 0, [1], ['x']), appended('b', 2, 1, [1], ['y'])];
    expect(judge(logMatching(), history)).toBeUndefined();
  });
  it('fails when two servers hold different entries with the same index and term', () => {
    expect(judge(logMatching(), [appended('a', 2, 1, [3], ['x']), appended('b', 2, 1, [3], ['z'])])).toMatch(/different entries/);
  });
  it('fails when the same entry follows different terms', () => {
    expect(judge(logMatching(), [appended('a', 2, 1, [3], ['x']), appended('b', 2, 2, [3], ['x'])])).toMatch(/preceded by terms 1 and 2/);
  });
});

describe('leader completeness', () => {
  it('holds when every later leader has the committed entries', () => {
    expect(judge(leaderCompleteness(), [committed('a', 2, 1, 1), leader('b', 2, [1, 1, 2])])).toBeUndefined();
  });
  it('fails when a later leader lacks a committed entry', () => {
    expect(judge(leaderCompleteness(), [committed('a', 2, 2, 4), leader('b', 5, [1, 3])])).toMatch(/b became leader of term 5 without the entry of term 2 at index 2/);
  });
  it('does not judge a leader of the committing term or earlier', () => {
    expect(judge(leaderCompleteness(), [committed('a', 2, 2, 4), leader('b', 4, [1])])).toBeUndefined();
  });
});

describe('state machine safety', () => {
  it('holds when replicas apply the same entries with the same results', () => {
    const history = [applied('a', 1, 'x', { ok: 1 }), applied('b', 1, 'x', { ok: 1 }), applied('b', 2, 'y', null)];
    expect(judge(stateMachineSafety(), history)).toBeUndefined();
  });
  it('fails when two replicas apply different entries at one index', () => {
    expect(judge(stateMachineSafety(), [applied('a', 4, 'x', null), applied('b', 4, 'z', null)])).toMatch(/b applied entry z at index 4, where a applied x/);
  });
  it('fails when the same entry gives different results (the replicas have diverged)', () => {
    const history = [applied('a', 4, 'x', { type: 'held' }), applied('b', 4, 'x', { type: 'granted' })];
    expect(judge(stateMachineSafety(), history)).toMatch(/with result \{"type":"granted"\}, where a got \{"type":"held"\}/);
  });
});

describe('tokens never decrease at the storage', () => {
  it('holds for accepted tokens that only go up (or repeat), and ignores rejected writes', () => {
    expect(judge(tokensNeverDecrease(), [write('c1', 3), write('c1', 3), write('c2', 1, false), write('c2', 7)])).toBeUndefined();
  });
  it('fails when the storage accepts a lower token', () => {
    expect(judge(tokensNeverDecrease(), [write('c2', 7), write('c1', 3)])).toMatch(/accepted c1's write to 'r' with token 3 after accepting c2's with token 7/);
  });
});

describe('no double write, with fencing tokens as the grant order', () => {
  it('holds when writes follow the tokens, even if the grants were reported out of order', () => {
    // A deposed leader tells c1 of token 5 late, after c2 was granted 9; c1 writes first: no interleaving.
    expect(judge(noDoubleWrite(), [granted('s2', 'c2', 9), granted('s1', 'c1', 5), write('c1', 5), write('c2', 9)])).toBeUndefined();
  });
  it('counts the same grant reported by two replicas once', () => {
    expect(judge(noDoubleWrite(), [granted('s1', 'c1', 5), granted('s2', 'c2', 9), granted('s3', 'c1', 5), write('c2', 9)])).toBeUndefined();
  });
  it('fails when a write under an older grant lands after one under a newer grant', () => {
    expect(judge(noDoubleWrite(), [granted('s1', 'c1', 5), granted('s1', 'c2', 9), write('c2', 9), write('c1', 5)])).toMatch(/accepted c1's write/);
  });
});

describe('no grant from the minority side of a partition', () => {
  const servers = ['a', 'b', 'c'];
  const cut: Fault = { at: 100, kind: 'partition', groups: [['a'], ['b', 'c']], duration: 1_000 };
  const fault = (f: Fault, t: number): Step => ({ node: '', kind: 'fault', data: { fault: f }, t });
  const recover = (f: Fault, t: number): Step => ({ node: '', kind: 'recover', data: { fault: f }, t });

  it('fails when a server cut off from the majority grants an entry it appended after the cut', () => {
    const history = [fault(cut, 100), appended('a', 7, 1, [1], ['x']), granted('a', 'c1', 7, 150)];
    expect(judge(noMinorityGrant(servers), history)).toMatch(/a granted 'r' to c1 \(token 7\) while cut off from a majority/);
  });
  it('holds for a grant committed before the cut and answered just after it', () => {
    const history = [appended('a', 7, 1, [1], ['x']), fault(cut, 100), granted('a', 'c1', 7, 150)];
    expect(judge(noMinorityGrant(servers), history)).toBeUndefined();
  });
  it('holds for a grant on the majority side', () => {
    const history = [fault(cut, 100), appended('b', 7, 1, [1], ['x']), granted('b', 'c1', 7, 150)];
    expect(judge(noMinorityGrant(servers), history)).toBeUndefined();
  });
  it('holds once the partition has healed', () => {
    const history = [fault(cut, 100), recover(cut, 200), appended('a', 7, 1, [1], ['x']), granted('a', 'c1', 7, 250)];
    expect(judge(noMinorityGrant(servers), history)).toBeUndefined();
  });
  it('a one-way cut is enough to be on the minority side', () => {
    const oneWay: Fault = { at: 100, kind: 'partition-oneway', from: ['b', 'c'], to: ['a'], duration: 1_000 };
    const history = [fault(oneWay, 100), appended('a', 7, 1, [1], ['x']), granted('a', 'c1', 7, 150)];
    expect(judge(noMinorityGrant(servers), history)).toMatch(/cut off from a majority/);
  });
});

describe('no grant the log has not committed', () => {
  const servers = ['a', 'b', 'c'];

  it('holds when a majority had stored the granting entry before the answer', () => {
    const history = [appended('a', 7, 1, [1], ['x']), appended('b', 7, 1, [1], ['x']), granted('a', 'c1', 7)];
    expect(judge(noUncommittedGrant(servers), history)).toBeUndefined();
  });
  it('holds for the same grant answered again by a later leader holding the committed entry', () => {
    const history = [appended('a', 7, 1, [1], ['x']), appended('b', 7, 1, [1], ['x']), granted('a', 'c1', 7), granted('b', 'c1', 7)];
    expect(judge(noUncommittedGrant(servers), history)).toBeUndefined();
  });
  it('fails when the leader answers as soon as it has appended (only it holds the entry)', () => {
    expect(judge(noUncommittedGrant(servers), [appended('a', 7, 1, [1], ['x']), granted('a', 'c1', 7)])).toBe(
      "a told c1 it holds 'r' (token 7) before the grant was committed: only a of a, b, c had stored its entry x at index 7",
    );
  });
  it('fails for a leader deposed by a pause alone, which no-minority-grant does not see (no partition)', () => {
    // a paused; b and c moved on to term 2 and stored another entry at 7; a wakes and grants from its own entry x.
    const history = [appended('b', 7, 1, [2], ['y']), appended('c', 7, 1, [2], ['y']), appended('a', 7, 1, [1], ['x']), granted('a', 'c1', 7)];
    expect(judge(noUncommittedGrant(servers), history)).toMatch(/only a of a, b, c had stored its entry x at index 7/);
    expect(judge(noMinorityGrant(servers), history)).toBeUndefined();
  });
  it('counts what the servers hold at the answer, not what they once held: a truncated entry is not stored', () => {
    const history = [appended('a', 7, 1, [1], ['x']), appended('b', 7, 1, [1], ['x']), appended('b', 5, 1, [2], ['z']), granted('a', 'c1', 7)];
    expect(judge(noUncommittedGrant(servers), history)).toMatch(/only a of a, b, c/);
  });
  it('fails when the answering server has no entry at the token’s index', () => {
    expect(judge(noUncommittedGrant(servers), [appended('b', 7, 1, [1], ['x']), granted('a', 'c1', 7)])).toMatch(/a told c1 .* but its log has no entry at index 7/);
  });
});

describe('liveness after the last fault heals', () => {
  const bound = seconds(10);
  it('holds when a lock is granted within the bound after healing', () => {
    expect(judge(grantsAfterHealing(bound), [leader('a', 2), granted('a', 'c1', 9, seconds(15))], { t: seconds(30), faultsOverAt: seconds(10) })).toBeUndefined();
  });
  it('fails with "liveness violated" when nothing is granted within the bound', () => {
    const history = [{ ...leader('a', 2), t: seconds(11) }, granted('a', 'c1', 9, seconds(21))];
    expect(judge(grantsAfterHealing(bound), history, { t: seconds(30), faultsOverAt: seconds(10) })).toMatch(/^liveness violated: no lock was granted within 10s after the last fault healed at 10.000000s \(last leader elected at 11.000000s\)/);
  });
  it('is not judged when the run ends before the bound has passed', () => {
    expect(judge(grantsAfterHealing(bound), [], { t: seconds(15), faultsOverAt: seconds(10) })).toBeUndefined();
  });
  it('does not count grants made before the faults were over', () => {
    expect(judge(grantsAfterHealing(bound), [granted('a', 'c1', 9, ms(500))], { t: seconds(30), faultsOverAt: seconds(10) })).toMatch(/liveness violated/);
  });
});
