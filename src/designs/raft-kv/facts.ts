import type { RaftFact } from '../raft/facts.js';

// TODO(integrator): import from the linearizability checker if it types its facts (src/check/linearizability/record.ts).
/** What a client saw, as `ClientHistory` records it for the linearizability checker: one operation at a time per process. */
type ClientOpFact =
  | { kind: 'op-invoke'; data: { process: string; f: string; key?: string; value?: unknown } }
  | { kind: 'op-ok'; data: { process: string; f: string; value?: unknown } }
  | { kind: 'op-fail'; data: { process: string; f: string } }
  | { kind: 'op-info'; data: { process: string; f: string } };

/**
 * The key-value store's facts: the Raft servers' (`raft/facts.ts`) and its clients'
 * operations, which the linearizability checker judges. It emits none of its own.
 */
export type RaftKvFact = RaftFact | ClientOpFact;
