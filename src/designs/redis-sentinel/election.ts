/**
 * The leader election that authorizes a Sentinel failover, as pure functions of a
 * sentinel's durable vote state. redis.io, "High availability with Redis Sentinel",
 * sections "Quorum" and "Configuration epochs"; the rules are those of
 * `sentinelVoteLeader` and `sentinelGetLeader` in Redis's sentinel.c.
 */

/** What a sentinel keeps on disk about votes (Redis flushes it to sentinel.conf before answering). */
export interface VoteState {
  /** The highest epoch this sentinel has seen. */
  currentEpoch: number;
  /** Whom it voted for, in `leaderEpoch`. */
  leader: string | undefined;
  leaderEpoch: number;
}

export const NO_VOTES: VoteState = { currentEpoch: 0, leader: undefined, leaderEpoch: 0 };

/**
 * Answers a request to vote for `candidate` in `epoch`: a sentinel votes at most once per
 * epoch (the first candidate to ask gets it) and never in an epoch older than one it has
 * seen. The answer names whom it voted for in which epoch: the candidate has the vote
 * only if both match. `votedForOther` says the sentinel just gave its vote to another
 * sentinel, after which it waits before trying a failover itself ("Configuration epochs":
 * "if a Sentinel voted another Sentinel for the failover of a given master, it will wait
 * some time to try to failover the same master again").
 */
export function voteLeader(state: VoteState, epoch: number, candidate: string, self: string): { state: VoteState; leader: string | undefined; leaderEpoch: number; votedForOther: boolean } {
  const currentEpoch = Math.max(state.currentEpoch, epoch);
  if (state.leaderEpoch < epoch && currentEpoch <= epoch) {
    const next = { currentEpoch, leader: candidate, leaderEpoch: currentEpoch };
    return { state: next, leader: candidate, leaderEpoch: currentEpoch, votedForOther: candidate !== self };
  }
  const next = currentEpoch === state.currentEpoch ? state : { ...state, currentEpoch };
  return { state: next, leader: state.leader, leaderEpoch: state.leaderEpoch, votedForOther: false };
}

/**
 * The bug the `redis-sentinel-bug-vote-every-request` scenario plants: a sentinel that
 * forgets it already voted in an epoch and gives its vote to every candidate asking in
 * it (or a later one). Two candidates in one epoch can then both count a majority.
 */
export const voteEveryRequest: typeof voteLeader = (state, epoch, candidate, self) => {
  if (epoch < state.currentEpoch) return voteLeader(state, epoch, candidate, self);
  return { state: { currentEpoch: epoch, leader: candidate, leaderEpoch: epoch }, leader: candidate, leaderEpoch: epoch, votedForOther: candidate !== self };
};

/**
 * Votes needed to be authorized: a majority of all the sentinels, or `quorum` if it is
 * larger ("Quorum": "at least a majority of Sentinels must authorize the Sentinel to
 * failover"; "more than the majority if the quorum is set to a number greater").
 */
export function votesNeeded(sentinels: number, quorum: number): number {
  return Math.max(Math.floor(sentinels / 2) + 1, quorum);
}

/**
 * The sentinel elected in `epoch`, from the votes a candidate collected (sentinel → whom
 * it voted for in that epoch, the candidate's own vote included): the one with the most
 * votes, if they reach `votesNeeded`; otherwise nobody (a split vote, or a minority).
 */
export function electedLeader(votes: ReadonlyMap<string, string>, sentinels: number, quorum: number): { leader: string; votes: number } | undefined {
  const counts = new Map<string, number>();
  for (const leader of votes.values()) counts.set(leader, (counts.get(leader) ?? 0) + 1);
  let best: { leader: string; votes: number } | undefined;
  for (const [leader, n] of [...counts].sort(([a], [b]) => (a < b ? -1 : 1))) if (!best || n > best.votes) best = { leader, votes: n };
  return best && best.votes >= votesNeeded(sentinels, quorum) ? best : undefined;
}

/** What a sentinel knows of a replica from its last INFO reply. */
export interface ReplicaInfo {
  node: string;
  /** Replication offset processed. */
  offset: number;
}

/**
 * The replica to promote ("Replica selection and priority"): among those that answer
 * (the caller leaves out replicas in SDOWN), the one that processed the most of the
 * primary's stream (the largest replication offset), then the smaller run ID (here the
 * node's name). Every replica has the default `replica-priority`, which Redis compares first.
 */
export function selectReplica(replicas: readonly ReplicaInfo[]): string | undefined {
  return [...replicas].sort((a, b) => b.offset - a.offset || (a.node < b.node ? -1 : 1))[0]?.node;
}
