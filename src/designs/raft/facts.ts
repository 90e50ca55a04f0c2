import { factEmitter } from '../../kernel/index.js';

/**
 * What a Raft server really did, as `server.ts` reports it and the properties in
 * `properties.ts` (and the services built on Raft) judge it. Indexes are 1-based,
 * as in the paper.
 */
export type RaftFact =
  /** It won an election: its term, and the term of each entry of its log, index 1 first. */
  | { kind: 'became-leader'; data: { term: number; logTerms: number[] } }
  /**
   * It wrote entries to its disk: its log is now its first `from - 1` entries followed
   * by these (anything after them is gone). `prevTerm` is the term of entry `from - 1` (0 for none).
   */
  | { kind: 'log-appended'; data: { from: number; prevTerm: number; terms: number[]; ids: string[] } }
  /** As leader of `leaderTerm` it advanced its commit index to `index`, an entry of `term`. */
  | { kind: 'committed'; data: { index: number; term: number; leaderTerm: number } }
  /** It applied entry `id` at `index` to its state machine; `result` is null for a stale retry, which has none. */
  | { kind: 'applied'; data: { index: number; id: string; result: unknown } }
  /**
   * Applying entry `index` ran client `session`'s command `seq` on its state machine
   * (a retry its session had already applied is answered without running it, and not reported).
   */
  | { kind: 'command-applied'; data: { index: number; session: string; seq: number } };

export const raftFact = factEmitter<RaftFact>();
