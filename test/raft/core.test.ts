import { describe, expect, it } from 'vitest';
import {
  advanceCommitIndex,
  appendEntries,
  applyEntry,
  candidateUpToDate,
  copyReplica,
  grantsVote,
  initialReplica,
  type AppendRequest,
  type Entry,
  type StateMachine,
  type VoteRequest,
} from '../../src/designs/raft/core.js';

/** A log from a list of terms; entry ids name the term and index. */
const logOf = (...terms: number[]): Entry<string>[] =>
  terms.map((term, i) => ({ term, id: `t${term}i${i + 1}`, op: { type: 'machine', command: `c${i + 1}` } }));

const vote = (term: number, candidate: string, lastIndex: number, lastTerm: number): VoteRequest => ({ type: 'vote', term, candidate, lastIndex, lastTerm });

const append = (prevIndex: number, prevTerm: number, entries: Entry<string>[], term = 5): AppendRequest<string> => ({
  type: 'append', term, leader: 'a', prevIndex, prevTerm, entries, leaderCommit: 0,
});

describe('election: whom a server votes for', () => {
  it('votes for a candidate whose log ends in a later term, even if shorter', () => {
    expect(candidateUpToDate(logOf(1, 1, 1), 1, 2)).toBe(true);
  });
  it('refuses a candidate whose last term is older, however long its log', () => {
    expect(candidateUpToDate(logOf(1, 2), 10, 1)).toBe(false);
  });
  it('with equal last terms, refuses only a shorter log', () => {
    expect(candidateUpToDate(logOf(1, 2, 2), 3, 2)).toBe(true);
    expect(candidateUpToDate(logOf(1, 2, 2), 2, 2)).toBe(false);
  });
  it('votes once per term: again for the same candidate, never for another', () => {
    const log = logOf(1);
    expect(grantsVote(3, null, log, vote(3, 'b', 1, 1))).toBe(true);
    expect(grantsVote(3, 'b', log, vote(3, 'b', 1, 1))).toBe(true);
    expect(grantsVote(3, 'b', log, vote(3, 'c', 1, 1))).toBe(false);
  });
  it('refuses a request from an older term', () => {
    expect(grantsVote(4, null, logOf(1), vote(3, 'b', 1, 1))).toBe(false);
  });
});

describe('replication: the consistency check', () => {
  it('appends after a matching entry', () => {
    const outcome = appendEntries(logOf(1, 1), append(2, 1, logOf(1, 1, 2).slice(2)));
    expect(outcome).toEqual({ success: true, keep: 2, added: logOf(1, 1, 2).slice(2), matchIndex: 3 });
  });
  it('refuses when the follower lacks the entry at prevIndex, and hints where to look', () => {
    expect(appendEntries(logOf(1), append(3, 1, []))).toEqual({ success: false, hint: 1 });
  });
  it('refuses when the entry at prevIndex has another term', () => {
    expect(appendEntries(logOf(1, 1, 1), append(3, 2, []))).toEqual({ success: false, hint: 2 });
  });
  it('without the term check (the log-matching bug), appends after an entry of another term', () => {
    const leader = logOf(1, 3, 3);
    expect(appendEntries(logOf(1, 2), append(2, 3, leader.slice(2)), false)).toEqual({ success: true, keep: 2, added: leader.slice(2), matchIndex: 3 });
  });
  it('accepts a heartbeat (no entries) that matches, changing nothing', () => {
    expect(appendEntries(logOf(1, 2), append(2, 2, []))).toEqual({ success: true, keep: 2, added: [], matchIndex: 2 });
  });
});

describe('replication: conflict truncation', () => {
  it('deletes a conflicting entry and everything after it', () => {
    const leader = logOf(1, 1, 3, 3);
    const outcome = appendEntries(logOf(1, 1, 2, 2, 2), append(2, 1, leader.slice(2)));
    expect(outcome).toEqual({ success: true, keep: 2, added: leader.slice(2), matchIndex: 4 });
  });
  it('keeps entries a late, shorter request already covers (no truncation without conflict)', () => {
    const follower = logOf(1, 1, 1, 1);
    const outcome = appendEntries(follower, append(1, 1, follower.slice(1, 2)));
    expect(outcome).toEqual({ success: true, keep: 4, added: [], matchIndex: 2 });
  });
});

describe('commit', () => {
  it('commits an entry of the current term once a majority stores it', () => {
    expect(advanceCommitIndex({ log: logOf(1, 2, 2), matchIndexes: [3, 3, 1], currentTerm: 2, commitIndex: 0 })).toBe(3);
  });
  it('does not commit what only a minority stores', () => {
    expect(advanceCommitIndex({ log: logOf(1, 2, 2), matchIndexes: [3, 1, 1], currentTerm: 2, commitIndex: 0 })).toBe(0);
  });
  it('never counts replicas of an earlier term’s entry (§5.4.2, Figure 8)', () => {
    // Leader of term 4 has replicated index 2 (term 2) to a majority, but nothing of term 4 yet.
    expect(advanceCommitIndex({ log: logOf(1, 2), matchIndexes: [2, 2, 1], currentTerm: 4, commitIndex: 1 })).toBe(1);
  });
  it('commits the earlier entry with the first current-term entry a majority stores', () => {
    expect(advanceCommitIndex({ log: logOf(1, 2, 4), matchIndexes: [3, 3, 1], currentTerm: 4, commitIndex: 1 })).toBe(3);
  });
  it('the Figure 8 bug counts the earlier term’s replicas and commits', () => {
    expect(advanceCommitIndex({ log: logOf(1, 2), matchIndexes: [2, 2, 1], currentTerm: 4, commitIndex: 1, countEarlierTerms: true })).toBe(2);
  });
  it('never moves the commit index back', () => {
    expect(advanceCommitIndex({ log: logOf(1, 1, 1), matchIndexes: [1, 1, 1], currentTerm: 1, commitIndex: 3 })).toBe(3);
  });
  it('needs three of five', () => {
    expect(advanceCommitIndex({ log: logOf(1, 1), matchIndexes: [2, 2, 1, 1, 0], currentTerm: 1, commitIndex: 0 })).toBe(1);
    expect(advanceCommitIndex({ log: logOf(1, 1), matchIndexes: [2, 2, 2, 1, 0], currentTerm: 1, commitIndex: 0 })).toBe(2);
  });
});

describe('application and deduplication', () => {
  const counter: StateMachine<number, number, number> = {
    initial: 0,
    apply: (state, add) => ({ state: state + add, result: state + add }),
  };
  const clientEntry = (session: string, seq: number, add: number): Entry<number> => ({
    term: 1, id: `${session}#${seq}`, op: { type: 'client', session, seq, command: add },
  });

  it('applies a command and remembers its result for the session', () => {
    const replica = initialReplica(counter);
    expect(applyEntry(counter, replica, clientEntry('s', 1, 5), 1)).toBe(5);
    expect(replica.state).toBe(5);
    expect(replica.sessions.get('s')).toEqual({ seq: 1, result: 5 });
  });
  it('a retried command (same session and sequence) is applied once and gets the first result', () => {
    const replica = initialReplica(counter);
    applyEntry(counter, replica, clientEntry('s', 1, 5), 1);
    expect(applyEntry(counter, replica, clientEntry('s', 1, 5), 2)).toBe(5);
    expect(replica.state).toBe(5);
  });
  it('a stale copy of an older command is ignored', () => {
    const replica = initialReplica(counter);
    applyEntry(counter, replica, clientEntry('s', 1, 5), 1);
    applyEntry(counter, replica, clientEntry('s', 2, 1), 2);
    expect(applyEntry(counter, replica, clientEntry('s', 1, 5), 3)).toBeUndefined();
    expect(replica.state).toBe(6);
  });
  it('sessions are independent', () => {
    const replica = initialReplica(counter);
    applyEntry(counter, replica, clientEntry('s', 1, 5), 1);
    applyEntry(counter, replica, clientEntry('t', 1, 5), 2);
    expect(replica.state).toBe(10);
  });
  it('a copy can be applied to without changing the original (how a leader speculates)', () => {
    const replica = initialReplica(counter);
    applyEntry(counter, replica, clientEntry('s', 1, 5), 1);
    const copy = copyReplica(replica);
    applyEntry(counter, copy, clientEntry('s', 2, 5), 2);
    expect(replica.state).toBe(5);
    expect(replica.sessions.get('s')!.seq).toBe(1);
  });
});
