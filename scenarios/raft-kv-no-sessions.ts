import { raftKvSystem } from '../src/designs/raft-kv/system.js';
import { defineScenario } from '../src/kernel/index.js';

/**
 * The key-value store on Raft without its session table: a client whose answer was
 * lost retries, both copies of its command reach the log, and both are applied. A put
 * applied twice leaves the same value, so the state (and often what clients see) does
 * not show it: the apply facts do.
 */
export default defineScenario({
  description: 'Key-value store on 3 Raft servers that keeps no client sessions: a retried command is applied again; the same random faults',
  expect: { violates: 'applied-once' },
  seeds: 20,
  ...raftKvSystem({ variant: { forgetSessions: true } }),
});
