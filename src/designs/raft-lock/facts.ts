import { factEmitter } from '../../kernel/index.js';
import type { RaftFact } from '../raft/facts.js';

// TODO(integrator): import from locking/facts.ts
/** The leader told `client` it holds the lock on `resource`; `token` is the log index of the granting entry. */
type LockGrantedFact = { kind: 'lock-granted'; data: { resource: string; client: string; token: number } };

/**
 * The lock service's facts: the Raft servers' (`raft/facts.ts`) and the grants the
 * leader tells clients of (`server.ts`).
 */
export type RaftLockFact = RaftFact | LockGrantedFact;

export const raftLockFact = factEmitter<RaftLockFact>();
