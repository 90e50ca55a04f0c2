import { factEmitter } from '../../kernel/index.js';

/** What an operation did at a replica: a character inserted, one removed, or nothing (a delete that lost to a concurrent delete of the same character). */
export type AppliedKind = 'ins' | 'del' | 'noop';

/**
 * What really happened to the text of each replica (a client's document, the
 * server's copy in the central-server variant). Every fact carries what the replica
 * holds right after it (`text`, and `ids`: the identity of each visible character,
 * in order), so properties judge the replicas' real contents, never a belief.
 * Character ids are `<site>.<seq>`: the site that typed it and its edit number there.
 */
export type CollabFact =
  /**
   * A replica applied operation `op` (once per replica: duplicates are ignored
   * before this). `local` when it is the replica's own keystroke. `char` is the
   * character inserted or removed ('' for a noop). `transforms` counts the
   * transformation-function calls this integration made; `meta` the metadata
   * records the replica holds afterwards (history entries, tombstones, ids).
   */
  | { kind: 'op-applied'; data: { op: string; kind: AppliedKind; char: string; local: boolean; text: string; ids: string[]; transforms: number; meta: number } }
  /** The keystroke `op` (typing character `char`, '' for a delete) is acknowledged: stored by the server, or by a peer. */
  | { kind: 'op-acked'; data: { op: string; char: string } }
  /** A replica restarted and read back from its disk what it holds and which operations it had applied. */
  | { kind: 'replica-restored'; data: { text: string; ids: string[]; applied: string[] } };

export const collabFact = factEmitter<CollabFact>();
