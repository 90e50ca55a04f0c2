/**
 * Raft's rules as pure functions over plain data (Ongaro & Ousterhout, "In Search
 * of an Understandable Consensus Algorithm", Figure 2), so each rule can be tested
 * on a hand-built situation. `server.ts` wires them to the kernel.
 *
 * Indexes are 1-based as in the paper: `log[0]` is the entry at index 1, and index 0
 * (term 0) is the empty prefix every log shares.
 */

/** What an entry asks the state machine to do. */
export type Operation<C> =
  /** A client's command, numbered within the client's session so a retry is applied once. */
  | { type: 'client'; session: string; seq: number; command: C }
  /** A command the leader proposes by itself (for example, expiring a lease). */
  | { type: 'machine'; command: C };

export interface Entry<C> {
  term: number;
  /** Unique per proposal (leader, term, index): tells two different entries apart. */
  id: string;
  op: Operation<C>;
}

export interface VoteRequest {
  type: 'vote';
  term: number;
  candidate: string;
  lastIndex: number;
  lastTerm: number;
}

export interface VoteReply {
  type: 'vote-reply';
  term: number;
  granted: boolean;
}

export interface AppendRequest<C> {
  type: 'append';
  term: number;
  leader: string;
  prevIndex: number;
  prevTerm: number;
  entries: Entry<C>[];
  leaderCommit: number;
}

/** `matchIndex`: on success, the last index known equal to the leader's; on failure, where to look next. */
export interface AppendReply {
  type: 'append-reply';
  term: number;
  success: boolean;
  matchIndex: number;
}

export interface ClientRequest<C> {
  type: 'request';
  session: string;
  seq: number;
  command: C;
}

export type ClientReply<R> = { type: 'response'; result: R } | { type: 'redirect'; leader: string | undefined };

export type RaftMessage<C> = VoteRequest | VoteReply | AppendRequest<C> | AppendReply | ClientRequest<C>;

export function termAt(log: readonly Entry<unknown>[], index: number): number {
  return index === 0 ? 0 : (log[index - 1]?.term ?? -1);
}

/** §5.4.1: a voter only grants its vote to a candidate whose log is at least as up to date as its own. */
export function candidateUpToDate(log: readonly Entry<unknown>[], lastIndex: number, lastTerm: number): boolean {
  const myLastTerm = termAt(log, log.length);
  return lastTerm > myLastTerm || (lastTerm === myLastTerm && lastIndex >= log.length);
}

/**
 * Whether a server in `currentTerm` that has voted for `votedFor` grants `request`
 * (its term already brought up to the request's, if that was higher).
 */
export function grantsVote(
  currentTerm: number,
  votedFor: string | null,
  log: readonly Entry<unknown>[],
  request: VoteRequest,
): boolean {
  return (
    request.term === currentTerm &&
    (votedFor === null || votedFor === request.candidate) &&
    candidateUpToDate(log, request.lastIndex, request.lastTerm)
  );
}

/** How a follower's log changes for an AppendEntries it accepts. */
export type AppendOutcome<C> =
  /** The consistency check failed: the follower lacks the leader's entry at prevIndex. */
  | { success: false; hint: number }
  /** Keep entries 1..keep, then add `added`. `matchIndex` is the last index equal to the leader's. */
  | { success: true; keep: number; added: Entry<C>[]; matchIndex: number };

/**
 * The consistency check and conflict truncation (§5.3): accept only if the log
 * holds the leader's entry at prevIndex; an existing entry that conflicts with a
 * new one (same index, different term) is deleted with everything after it.
 * Entries already present are kept, so a late or duplicated request never
 * truncates entries that a newer request appended. `checkPrevTerm: false` is the bug
 * of checking only that an entry exists at prevIndex, not that its term matches.
 */
export function appendEntries<C>(log: readonly Entry<C>[], request: AppendRequest<C>, checkPrevTerm = true): AppendOutcome<C> {
  const { prevIndex, prevTerm, entries } = request;
  if (prevIndex > log.length || (checkPrevTerm && termAt(log, prevIndex) !== prevTerm)) {
    return { success: false, hint: Math.min(log.length, prevIndex - 1) };
  }
  const matchIndex = prevIndex + entries.length;
  for (let k = 0; k < entries.length; k++) {
    const index = prevIndex + 1 + k;
    if (index > log.length || termAt(log, index) !== entries[k]!.term) {
      return { success: true, keep: index - 1, added: entries.slice(k), matchIndex };
    }
  }
  return { success: true, keep: log.length, added: [], matchIndex };
}

/** What the leader knows when it counts replicas to advance its commit index. */
export interface CommitCount {
  log: readonly Entry<unknown>[];
  /** How far each server's log is known to match the leader's, the leader's own last index included. */
  matchIndexes: readonly number[];
  currentTerm: number;
  commitIndex: number;
  /** Drops the current-term rule: the Figure 8 bug. */
  countEarlierTerms?: boolean;
}

/**
 * The leader's commit index after learning how far each server's log matches its
 * own. An entry is committed once a majority stores it, but a leader only counts
 * replicas of an entry from its **current term** (§5.4.2, Figure 8); entries before
 * it commit with it.
 */
export function advanceCommitIndex({ log, matchIndexes, currentTerm, commitIndex, countEarlierTerms = false }: CommitCount): number {
  const majorityHas = majorityMatch(matchIndexes);
  if (majorityHas <= commitIndex) return commitIndex;
  if (countEarlierTerms || termAt(log, majorityHas) === currentTerm) return majorityHas;
  return commitIndex;
}

/**
 * The highest index a majority of the logs reach: the largest match index that at
 * least a majority of the match indexes are at or above (the median, for three
 * servers). Counted in place: the leader asks on every AppendEntries reply.
 */
function majorityMatch(matchIndexes: readonly number[]): number {
  const majority = Math.floor(matchIndexes.length / 2) + 1;
  let highest = Number.NEGATIVE_INFINITY;
  for (const candidate of matchIndexes) {
    if (candidate <= highest) continue;
    let atOrAbove = 0;
    for (const other of matchIndexes) if (other >= candidate) atOrAbove++;
    if (atOrAbove >= majority) highest = candidate;
  }
  return highest;
}

/**
 * A replicated state machine. `apply` must be a deterministic, pure function of the
 * state and the command (it returns a new state and never mutates the old one):
 * every replica applies the same commands in the same order and so passes through
 * the same states. The service's own volatile bookkeeping on the leader (timers it
 * keeps to propose commands) lives in the closure that builds the machine.
 */
export interface StateMachine<C, S, R> {
  readonly initial: S;
  apply(state: S, command: C, index: number): { state: S; result: R };
  /** Commands the leader proposes by itself, asked on each heartbeat (for example, lease expiries). */
  leaderTick?(state: S): C[];
  /** This server has just become leader: forget what it kept from an earlier leadership. */
  elected?(): void;
  /**
   * This replica has applied a committed command (not a retry its session had
   * already applied) with this result: where a service reports what the log decided
   * (facts, diagram state), so that `apply` itself stays pure.
   */
  applied?(command: C, result: R): void;
}

/** The state a replica has built by applying its committed prefix, with the client sessions seen so far. */
export interface Replica<S, R> {
  state: S;
  /** Per client session: the last sequence number applied and its result. */
  readonly sessions: Map<string, { seq: number; result: R }>;
}

export function initialReplica<S, R>(machine: StateMachine<unknown, S, R>): Replica<S, R> {
  return { state: machine.initial, sessions: new Map() };
}

/** A copy that can be applied to without changing the original (the machine's states are immutable already). */
export function copyReplica<S, R>(replica: Replica<S, R>): Replica<S, R> {
  return { state: replica.state, sessions: new Map(replica.sessions) };
}

/** Whether a client command is one its session has not applied yet (not a retry of one it has). */
export function isNewCommand<S, R>(replica: Replica<S, R>, op: { session: string; seq: number }): boolean {
  const last = replica.sessions.get(op.session);
  return last === undefined || op.seq > last.seq;
}

/**
 * Applies one committed entry to the replica, in place, and returns its result. A
 * client command whose sequence number the session has already applied is not
 * applied again: a retry gets the first result (or nothing, if the client has since
 * moved on to a later command).
 */
export function applyEntry<C, S, R>(machine: StateMachine<C, S, R>, replica: Replica<S, R>, entry: Entry<C>, index: number): R | undefined {
  const op = entry.op;
  if (op.type === 'machine') {
    const { state, result } = machine.apply(replica.state, op.command, index);
    replica.state = state;
    return result;
  }
  if (!isNewCommand(replica, op)) {
    const last = replica.sessions.get(op.session)!;
    return op.seq === last.seq ? last.result : undefined;
  }
  const { state, result } = machine.apply(replica.state, op.command, index);
  replica.state = state;
  replica.sessions.set(op.session, { seq: op.seq, result });
  return result;
}
