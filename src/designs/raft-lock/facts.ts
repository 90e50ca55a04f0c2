import { factEmitter } from '../../kernel/index.js';
import type { LockFact } from '../locking/facts.js';
import type { RaftFact } from '../raft/facts.js';

/**
 * The lock service's facts: the Raft servers' (`raft/facts.ts`) and the lock facts
 * every lock design shares (`locking/facts.ts`): the grants the leader tells clients
 * of (`server.ts`, with the granting entry's log index as the token), their critical
 * sections and the storage's writes.
 */
export type RaftLockFact = RaftFact | LockFact;

export const raftLockFact = factEmitter<RaftLockFact>();
