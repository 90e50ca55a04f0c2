import { raftLockSystem } from '../src/designs/raft-lock/system.js';
import { defineScenario } from '../src/kernel/index.js';

/**
 * The lock service of designs.txt Problem 2, built correctly: every operation
 * through the Raft log, leases ended by leader-proposed expiry entries, fencing
 * token = log index of the grant, checked by the storage; corrected clients.
 * Timings scaled 10× down with the textbook's ratio: TTL 3 s, renewed every 1 s.
 * Liveness bound: once the last fault has healed, some acquire is granted within 10 s.
 */
export default defineScenario({
  description: 'Lock service on 3 Raft servers with fencing (TTL 3 s = 3 × renewal period); random partitions, crashes, pauses, loss, clock jumps and drift; a grant within 10 s of healing',
  expect: 'safe',
  seeds: 2000,
  ...raftLockSystem({ renewal: 'corrected', fencing: true }),
  requires: ['leader stepped down', 'retry deduplicated by the session table', 'retry answered from the session table', 'lease expired through the log', 'stale token refused by storage'],
});
