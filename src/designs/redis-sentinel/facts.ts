import { factEmitter } from '../../kernel/index.js';

/**
 * What Redis Sentinel and its servers really did, stamped with true time (the clients'
 * history is recorded apart, as `op-*` facts, by `ClientHistory`):
 *
 * - `failover-authorized { sentinel, epoch, votes }`: a sentinel counted a majority of
 *   votes (and at least `quorum`) for itself in `epoch`: it may fail the primary over;
 * - `full-resync { node, master, unacknowledgedWrites }`: `node` replaced its whole data set
 *   with `master`'s; `unacknowledgedWrites` is how many writes it had accepted as a primary
 *   that no replica had acknowledged: they are gone.
 */
export type SentinelFact =
  | { kind: 'failover-authorized'; data: { sentinel: string; epoch: number; votes: number } }
  | { kind: 'full-resync'; data: { node: string; master: string; unacknowledgedWrites: number } };

export const sentinelFact = factEmitter<SentinelFact>();
