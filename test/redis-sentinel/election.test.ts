import { describe, expect, it } from 'vitest';
import { electedLeader, NO_VOTES, selectReplica, voteLeader, votesNeeded } from '../../src/designs/redis-sentinel/election.js';

describe('a sentinel votes for a failover leader once per epoch (redis.io, "Configuration epochs")', () => {
  it('gives its vote in an epoch to the first candidate that asks, and names that candidate to every later one', () => {
    const first = voteLeader(NO_VOTES, 1, 'sentinel-2', 'sentinel-1');
    expect(first).toMatchObject({ leader: 'sentinel-2', leaderEpoch: 1, votedForOther: true });
    const second = voteLeader(first.state, 1, 'sentinel-3', 'sentinel-1');
    expect(second).toMatchObject({ leader: 'sentinel-2', leaderEpoch: 1, votedForOther: false });
    expect(second.state).toBe(first.state);
  });

  it('votes again in a later epoch, and never in an older one', () => {
    const inTwo = voteLeader(voteLeader(NO_VOTES, 1, 'sentinel-2', 'sentinel-1').state, 2, 'sentinel-3', 'sentinel-1');
    expect(inTwo).toMatchObject({ leader: 'sentinel-3', leaderEpoch: 2 });
    const stale = voteLeader(inTwo.state, 1, 'sentinel-2', 'sentinel-1');
    expect(stale).toMatchObject({ leader: 'sentinel-3', leaderEpoch: 2, votedForOther: false });
  });

  it('adopts a higher epoch it hears of, which then refuses votes for lower ones', () => {
    const seen = { ...NO_VOTES, currentEpoch: 5 };
    expect(voteLeader(seen, 4, 'sentinel-2', 'sentinel-1')).toMatchObject({ leader: undefined, leaderEpoch: 0 });
    expect(voteLeader(NO_VOTES, 7, 'sentinel-2', 'sentinel-1').state).toEqual({ currentEpoch: 7, leader: 'sentinel-2', leaderEpoch: 7 });
  });

  it('a candidate voting for itself is not "voted for another" (it does not hold itself off)', () => {
    expect(voteLeader(NO_VOTES, 1, 'sentinel-1', 'sentinel-1').votedForOther).toBe(false);
  });
});

describe('a failover needs a majority of the sentinels, or the quorum if larger (redis.io, "Quorum")', () => {
  it('counts a majority of all sentinels, not of those that answered', () => {
    expect(votesNeeded(3, 2)).toBe(2);
    expect(votesNeeded(5, 2)).toBe(3);
    expect(votesNeeded(5, 5)).toBe(5);
    expect(votesNeeded(3, 1)).toBe(2);
  });

  it('elects nobody on its own vote alone, nor on a split vote', () => {
    expect(electedLeader(new Map([['sentinel-1', 'sentinel-1']]), 3, 1)).toBeUndefined();
    expect(electedLeader(new Map([['sentinel-1', 'sentinel-1'], ['sentinel-2', 'sentinel-2'], ['sentinel-3', 'sentinel-3']]), 3, 2)).toBeUndefined();
  });

  it('elects the candidate a majority voted for', () => {
    expect(electedLeader(new Map([['sentinel-1', 'sentinel-1'], ['sentinel-3', 'sentinel-1']]), 3, 2)).toEqual({ leader: 'sentinel-1', votes: 2 });
    expect(electedLeader(new Map([['sentinel-1', 'sentinel-1'], ['sentinel-3', 'sentinel-1']]), 5, 2)).toBeUndefined();
  });
});

describe('the replica promoted (redis.io, "Replica selection and priority")', () => {
  it('is the one with the largest replication offset, then the smaller name', () => {
    expect(selectReplica([{ node: 'redis-2', offset: 7 }, { node: 'redis-3', offset: 9 }])).toBe('redis-3');
    expect(selectReplica([{ node: 'redis-3', offset: 9 }, { node: 'redis-2', offset: 9 }])).toBe('redis-2');
    expect(selectReplica([])).toBeUndefined();
  });
});
