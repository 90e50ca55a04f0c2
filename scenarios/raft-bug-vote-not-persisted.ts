import { raftLockSystem } from '../src/designs/raft-lock/system.js';
import { defineScenario } from '../src/kernel/index.js';

/** A server answers a vote without writing votedFor to disk; after a crash it votes again in the same term. */
export default defineScenario({
  description: 'Raft lock service whose servers do not persist their vote before answering; random faults',
  expect: { violates: 'election-safety' },
  seeds: 500,
  ...raftLockSystem({ variant: { forgetVotes: true }, renewal: 'corrected', fencing: true }),
});
