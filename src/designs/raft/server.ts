import { ConfigError, steerable, type Envelope, type Micros, type NodeContext, type NodeModel, type Steering, type TimerHandle } from '../../kernel/index.js';
import {
  advanceCommitIndex,
  appendEntries,
  applyEntry,
  copyReplica,
  grantsVote,
  initialReplica,
  isNewCommand,
  termAt,
  type AppendReply,
  type AppendRequest,
  type ClientReply,
  type ClientRequest,
  type Entry,
  type Operation,
  type RaftMessage,
  type Replica,
  type StateMachine,
  type VoteReply,
  type VoteRequest,
} from './core.js';
import { raftFact } from './facts.js';

export interface RaftTiming {
  /** How often a leader sends AppendEntries (empty ones are heartbeats). */
  heartbeat: Micros;
  /** A follower that hears from no leader for a time drawn from this range starts an election. */
  electionTimeout: [Micros, Micros];
}

/** The classic ways of getting Raft wrong, each a switch on the correct server. */
export interface RaftVariant {
  /** Commit by counting replicas of entries from earlier terms (the paper's Figure 8). */
  commitEarlierTerms?: boolean;
  /** Answer votes without writing votedFor to disk: a restart forgets whom it voted for. */
  forgetVotes?: boolean;
  /** The leader answers clients from its local state as soon as it appends, without a majority confirming it is still leader. */
  answerFromLocalState?: boolean;
  /** Keep no session table: a retried command (its first answer lost) is applied again. */
  forgetSessions?: boolean;
  /**
   * Write log entries to the page cache and answer (a vote, an AppendEntries, a client)
   * without fsyncing them: a power loss takes back entries this server counted
   * toward a majority. The paper (§5.6, Figure 2: "updated on stable storage before
   * responding to RPCs") forbids it.
   */
  ackBeforeSync?: boolean;
  /**
   * A follower checks only that it has an entry at prevIndex, not that the entry's
   * term is prevTerm (Figure 2, AppendEntries receiver rule 2), so it appends a new
   * leader's entries after a deposed leader's uncommitted ones.
   */
  skipPrevTermCheck?: boolean;
  /**
   * Availability over consistency in a partition: a leader that has heard from no
   * majority for `CUT_OFF_BEATS` heartbeats stops waiting for commits that cannot
   * come and answers clients from a local copy of its state machine (what it has
   * applied, then the commands it answered so), numbering them after its log; the copy
   * is dropped when a majority answers again. With a majority in reach it is Raft.
   */
  failOpenWhenCutOff?: boolean;
}

/** Heartbeats without replies from a majority after which a `failOpenWhenCutOff` leader believes itself cut off: the shortest election timeout. */
const CUT_OFF_BEATS = 3;

export interface RaftServerOptions<C, S, R> {
  servers: readonly string[];
  /** Builds this server's state machine (on start and on every restart). */
  machine: (ctx: NodeContext) => StateMachine<C, S, R>;
  timing: RaftTiming;
  variant?: RaftVariant;
  /** Called when the leader answers a client: where the service's effects become real for the client. */
  answered?(ctx: NodeContext, command: C, result: R): void;
}

type Role = 'follower' | 'candidate' | 'leader';

/** Entries of a log the diagram shows. */
const LOG_STRIP = 8;

/** A log as the diagram shows it: the terms of its last entries, after the index of the first shown (`[14] 2 2 4 4 4 5`). */
function logStrip(log: readonly Entry<unknown>[]): string {
  if (log.length === 0) return 'empty';
  const first = Math.max(1, log.length - LOG_STRIP + 1);
  let strip = `[${first}]`;
  for (let i = first; i <= log.length; i++) strip += ` ${log[i - 1]!.term}`;
  return strip;
}

/**
 * How a scenario steers a server (`steer` faults), enough to replay the paper's
 * Figure 8 step by step: `time-out` makes it time out now (start an election, as its
 * election timer would); `hold-election-timer` keeps its election timer from running
 * for the fault's duration, so it starts no election by itself meanwhile.
 */
export const RAFT_STEERING: Steering = { 'time-out': 'at-once', 'hold-election-timer': 'lasting' };

/** Most entries an AppendEntries carries: keeps a lagging follower's catch-up in bounded messages. */
const MAX_BATCH = 64;

/**
 * A Raft server (leader election, log replication, commitment and application of a
 * generic state machine). The leader replicates on its heartbeat: everything
 * appended since the last one goes out in one AppendEntries per follower (only a
 * refused one is retried at once, walking back to where the logs match). Persistent state (currentTerm, votedFor, the log) is
 * written to disk as an explicit step before the server answers anyone; the rest
 * is rebuilt after a restart.
 *
 * Facts (`facts.ts`), for the properties in `properties.ts`: `became-leader`,
 * `log-appended`, `committed`, `applied`.
 */
export function raftServer<C, S, R>(options: RaftServerOptions<C, S, R>): NodeModel<RaftMessage<C>> {
  const { servers, timing } = options;
  const variant = options.variant ?? {};
  if (new Set(servers).size !== servers.length || servers.length === 0) throw new ConfigError('raft: servers must be a non-empty list of distinct node ids');
  const [low, high] = timing.electionTimeout;
  if (!(timing.heartbeat > 0 && low > timing.heartbeat && high >= low)) {
    throw new ConfigError('raft: need 0 < heartbeat < electionTimeout[0] <= electionTimeout[1], or followers would start elections under a live leader');
  }
  const majority = Math.floor(servers.length / 2) + 1;

  return steerable((ctx) => {
    if (!servers.includes(ctx.id)) throw new ConfigError(`raft: node ${ctx.id} is not one of the servers ${servers.join(', ')}`);
    const peers = servers.filter((s) => s !== ctx.id);
    const machine = options.machine(ctx);

    // Persistent state, read back from disk (after a restart) or fresh.
    let currentTerm = ctx.disk.get<number>('term') ?? 0;
    let votedFor = ctx.disk.get<string>('voted-for') ?? null;
    const log: Entry<C>[] = [];
    for (let i = 1, n = ctx.disk.get<number>('log-length') ?? 0; i <= n; i++) log.push(ctx.disk.get<Entry<C>>(`log:${i}`)!);

    // Volatile state.
    let role: Role = 'follower';
    let leader: string | undefined;
    let commitIndex = 0;
    let lastApplied = 0;
    const replica: Replica<S, R> = initialReplica(machine);
    let votes = new Set<string>();
    const nextIndex = new Map<string, number>();
    const matchIndex = new Map<string, number>();
    const waiting = new Map<number, Array<Envelope<ClientRequest<C>>>>();
    let electionTimer: TimerHandle | undefined;
    let heartbeatTimer: TimerHandle | undefined;
    /** Steered: the election timer is held (see `RAFT_STEERING`). */
    let electionTimerHeld = false;
    /** For `failOpenWhenCutOff`: the followers heard from since the last heartbeat, the heartbeats in a row without a majority, and the local copy answered from meanwhile. */
    const heardThisBeat = new Set<string>();
    let beatsWithoutMajority = 0;
    let cutOff: { replica: Replica<S, R>; answered: number } | undefined;

    const saveTermAndVote = () => {
      ctx.disk.set('term', currentTerm);
      if (!variant.forgetVotes) ctx.disk.set('voted-for', votedFor);
    };
    const saveLogFrom = (index: number) => {
      const write = variant.ackBeforeSync ? ctx.disk.write : ctx.disk.set;
      for (let i = index; i <= log.length; i++) write(`log:${i}`, log[i - 1]);
      write('log-length', log.length);
    };

    const resetElectionTimer = () => {
      if (electionTimer) ctx.cancelTimer(electionTimer);
      electionTimer = electionTimerHeld ? undefined : ctx.setTimer(ctx.random.int(low, high), 'election');
    };

    const stepDown = (term: number) => {
      if (term > currentTerm) {
        currentTerm = term;
        votedFor = null;
        saveTermAndVote();
      }
      if (role === 'leader') {
        ctx.probe('leader stepped down');
        waiting.clear(); // their clients time out and retry elsewhere
        resetElectionTimer();
      }
      if (heartbeatTimer) ctx.cancelTimer(heartbeatTimer);
      role = 'follower';
    };

    const reportAppended = (from: number, added: readonly Entry<C>[]) => {
      raftFact(ctx, 'log-appended', { from, prevTerm: termAt(log, from - 1), terms: added.map((e) => e.term), ids: added.map((e) => e.id) });
    };

    const applyCommitted = () => {
      const upTo = Math.min(commitIndex, log.length);
      while (lastApplied < upTo) {
        const index = ++lastApplied;
        const entry = log[index - 1]!;
        if (variant.forgetSessions && entry.op.type === 'client') replica.sessions.delete(entry.op.session);
        const fresh = entry.op.type === 'client' && isNewCommand(replica, entry.op);
        const result = applyEntry(machine, replica, entry, index);
        raftFact(ctx, 'applied', { index, id: entry.id, result: result ?? null });
        if (entry.op.type === 'client') {
          if (fresh) raftFact(ctx, 'command-applied', { index, session: entry.op.session, seq: entry.op.seq });
          else ctx.probe('retry deduplicated by the session table');
        }
        if (entry.op.type === 'machine' || fresh) machine.applied?.(entry.op.command, result!);
        const clients = waiting.get(index);
        if (clients === undefined) continue;
        waiting.delete(index);
        // No result: a stale copy of a request its client has already moved on from.
        if (result !== undefined) for (const envelope of clients) answer(envelope, result);
      }
    };

    const answer = (envelope: Envelope<ClientRequest<C>>, result: R) => {
      ctx.reply(envelope, { type: 'response', result } satisfies ClientReply<R>);
      options.answered?.(ctx, envelope.body.command, result);
    };

    /** What the leader's state machine would answer for the entry at `index` if everything it has appended were committed. */
    const speculate = (index: number): R | undefined => {
      const speculative = copyReplica(replica);
      let result: R | undefined;
      for (let i = lastApplied + 1; i <= index; i++) result = applyEntry(machine, speculative, log[i - 1]!, i);
      return result;
    };

    const sendAppend = (peer: string) => {
      const prevIndex = nextIndex.get(peer)! - 1;
      const request: AppendRequest<C> = {
        type: 'append', term: currentTerm, leader: ctx.id, prevIndex, prevTerm: termAt(log, prevIndex),
        entries: log.slice(prevIndex, prevIndex + MAX_BATCH), leaderCommit: commitIndex,
      };
      ctx.send(peer, request);
    };

    /** The leader's own last index, then each peer's match index: filled anew on each count, allocated once. */
    const matchIndexes = new Array<number>(servers.length);
    const advanceCommit = () => {
      matchIndexes[0] = log.length;
      for (let k = 0; k < peers.length; k++) matchIndexes[k + 1] = matchIndex.get(peers[k]!)!;
      const next = advanceCommitIndex({ log, matchIndexes, currentTerm, commitIndex, countEarlierTerms: variant.commitEarlierTerms });
      if (next === commitIndex) return;
      commitIndex = next;
      raftFact(ctx, 'committed', { index: next, term: termAt(log, next), leaderTerm: currentTerm });
      applyCommitted();
    };

    const propose = (op: Operation<C>): number => {
      const index = log.length + 1;
      const entry: Entry<C> = { term: currentTerm, id: `${ctx.id}:${currentTerm}:${index}`, op };
      log.push(entry);
      saveLogFrom(index);
      reportAppended(index, [entry]);
      return index;
    };

    const broadcast = () => {
      for (const peer of peers) sendAppend(peer);
      if (peers.length === 0) advanceCommit();
    };

    const becomeLeader = () => {
      role = 'leader';
      beatsWithoutMajority = 0;
      heardThisBeat.clear();
      cutOff = undefined;
      leader = ctx.id;
      if (electionTimer) ctx.cancelTimer(electionTimer);
      raftFact(ctx, 'became-leader', { term: currentTerm, logTerms: log.map((e) => e.term) });
      for (const peer of peers) {
        nextIndex.set(peer, log.length + 1);
        matchIndex.set(peer, 0);
      }
      machine.elected?.();
      broadcast();
      if (heartbeatTimer) ctx.cancelTimer(heartbeatTimer);
      heartbeatTimer = ctx.setTimer(timing.heartbeat, 'heartbeat');
    };

    const startElection = () => {
      role = 'candidate';
      currentTerm++;
      votedFor = ctx.id;
      saveTermAndVote();
      votes = new Set([ctx.id]);
      leader = undefined;
      resetElectionTimer();
      if (votes.size >= majority) return becomeLeader();
      requestVotes();
      if (heartbeatTimer) ctx.cancelTimer(heartbeatTimer);
      heartbeatTimer = ctx.setTimer(timing.heartbeat, 'heartbeat');
    };

    /** To every server that has not granted its vote yet: sent again on each heartbeat, as requests get lost. */
    const requestVotes = () => {
      const request: VoteRequest = { type: 'vote', term: currentTerm, candidate: ctx.id, lastIndex: log.length, lastTerm: termAt(log, log.length) };
      for (const peer of peers) if (!votes.has(peer)) ctx.send(peer, request);
    };

    const onVote = (request: VoteRequest, from: string) => {
      if (request.term > currentTerm) stepDown(request.term);
      const granted = grantsVote(currentTerm, votedFor, log, request);
      if (granted) {
        votedFor = request.candidate;
        saveTermAndVote();
        resetElectionTimer();
      }
      ctx.send(from, { type: 'vote-reply', term: currentTerm, granted } satisfies VoteReply);
    };

    const onVoteReply = (reply: VoteReply, from: string) => {
      if (reply.term > currentTerm) return stepDown(reply.term);
      if (role !== 'candidate' || reply.term !== currentTerm || !reply.granted) return;
      votes.add(from);
      if (votes.size >= majority) becomeLeader();
    };

    const onAppend = (request: AppendRequest<C>, from: string) => {
      if (request.term < currentTerm) {
        ctx.send(from, { type: 'append-reply', term: currentTerm, success: false, matchIndex: 0 } satisfies AppendReply);
        return;
      }
      stepDown(request.term);
      leader = request.leader;
      resetElectionTimer();
      const outcome = appendEntries(log, request, !variant.skipPrevTermCheck);
      if (!outcome.success) {
        ctx.send(from, { type: 'append-reply', term: currentTerm, success: false, matchIndex: outcome.hint } satisfies AppendReply);
        return;
      }
      if (outcome.added.length > 0) {
        log.length = outcome.keep;
        log.push(...outcome.added);
        saveLogFrom(outcome.keep + 1);
        reportAppended(outcome.keep + 1, outcome.added);
      }
      commitIndex = Math.max(commitIndex, Math.min(request.leaderCommit, outcome.matchIndex));
      applyCommitted();
      ctx.send(from, { type: 'append-reply', term: currentTerm, success: true, matchIndex: outcome.matchIndex } satisfies AppendReply);
    };

    const onAppendReply = (reply: AppendReply, from: string) => {
      if (reply.term > currentTerm) return stepDown(reply.term);
      if (role !== 'leader' || reply.term !== currentTerm) return;
      heardThisBeat.add(from);
      // Back in touch with a majority: Raft again at once, not at the next heartbeat.
      if (heardThisBeat.size + 1 >= majority) [beatsWithoutMajority, cutOff] = [0, undefined];
      if (reply.success) {
        matchIndex.set(from, Math.max(matchIndex.get(from)!, reply.matchIndex));
        nextIndex.set(from, Math.max(nextIndex.get(from)!, matchIndex.get(from)! + 1));
        advanceCommit();
        return;
      }
      nextIndex.set(from, Math.max(matchIndex.get(from)! + 1, Math.min(nextIndex.get(from)! - 1, reply.matchIndex + 1)));
      sendAppend(from);
    };

    const onClientRequest = (envelope: Envelope<ClientRequest<C>>) => {
      const request = envelope.body;
      if (role !== 'leader') {
        ctx.reply(envelope, { type: 'redirect', leader } satisfies ClientReply<R>);
        return;
      }
      const done = replica.sessions.get(request.session);
      if (done?.seq === request.seq) {
        ctx.probe('retry answered from the session table');
        return answer(envelope, done.result);
      }
      const op: Operation<C> = { type: 'client', session: request.session, seq: request.seq, command: request.command };
      if (variant.failOpenWhenCutOff && beatsWithoutMajority >= CUT_OFF_BEATS) {
        cutOff ??= { replica: copyReplica(replica), answered: 0 };
        const index = log.length + ++cutOff.answered;
        const result = applyEntry(machine, cutOff.replica, { term: currentTerm, id: `${ctx.id}:${currentTerm}:local-${index}`, op }, index);
        if (result !== undefined) answer(envelope, result);
        return;
      }
      const index = propose(op);
      if (!variant.answerFromLocalState) {
        waiting.set(index, [...(waiting.get(index) ?? []), envelope]);
        return;
      }
      const result = speculate(index);
      if (result !== undefined) answer(envelope, result);
    };

    const onMessage = (message: RaftMessage<C>, envelope: Envelope<RaftMessage<C>>) => {
      switch (message.type) {
        case 'vote':
          return onVote(message, envelope.from);
        case 'vote-reply':
          return onVoteReply(message, envelope.from);
        case 'append':
          return onAppend(message, envelope.from);
        case 'append-reply':
          return onAppendReply(message, envelope.from);
        case 'request':
          return onClientRequest(envelope as Envelope<ClientRequest<C>>);
      }
    };

    const onTimer = (tag: 'election' | 'heartbeat') => {
      if (tag === 'election') {
        if (role !== 'leader') startElection();
        return;
      }
      if (role === 'follower') return;
      if (role === 'candidate') requestVotes();
      else {
        beatsWithoutMajority = heardThisBeat.size + 1 >= majority ? 0 : beatsWithoutMajority + 1;
        if (beatsWithoutMajority === 0) cutOff = undefined;
        heardThisBeat.clear();
        for (const command of machine.leaderTick?.(replica.state) ?? []) propose({ type: 'machine', command });
        broadcast();
      }
      heartbeatTimer = ctx.setTimer(timing.heartbeat, 'heartbeat');
    };

    /**
     * What the diagram shows of this server, annotated again after any event that changed
     * it (free when not tracing): term, role, commit index and its log as a strip of the
     * terms of its last entries (`logStrip`), as in the paper's Figure 8. `shown` is what
     * it shows now (-1: nothing yet), updated in place.
     */
    const shown = { term: -1, role: 'follower' as Role, commit: -1, length: -1, lastTerm: -1 };
    const annotate = () => {
      const lastTerm = termAt(log, log.length);
      const stateChanged = shown.term !== currentTerm || shown.role !== role || shown.commit !== commitIndex;
      const logChanged = shown.length !== log.length || shown.lastTerm !== lastTerm;
      if (!stateChanged && !logChanged) return;
      if (stateChanged) ctx.annotate({ term: currentTerm, role, commit: commitIndex });
      if (logChanged) ctx.annotate(() => ({ log: logStrip(log) }));
      shown.term = currentTerm;
      shown.role = role;
      shown.commit = commitIndex;
      shown.length = log.length;
      shown.lastTerm = lastTerm;
    };

    resetElectionTimer();
    annotate();

    const onSteer = (action: string, active: boolean) => {
      if (action === 'time-out') {
        if (role === 'leader') ctx.log('steered to time out, but leaders have no election timeout: nothing to do');
        else startElection();
        return;
      }
      electionTimerHeld = active;
      if (active && electionTimer) ctx.cancelTimer(electionTimer);
      if (!active && role !== 'leader') resetElectionTimer();
    };

    return {
      onMessage(message, envelope) {
        onMessage(message, envelope);
        annotate();
      },
      onTimer(tag: 'election' | 'heartbeat') {
        onTimer(tag);
        annotate();
      },
      onSteer(action, active) {
        onSteer(action, active);
        annotate();
      },
    };
  }, RAFT_STEERING);
}
