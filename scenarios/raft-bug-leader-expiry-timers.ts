import { raftLockSystem } from '../src/designs/raft-lock/system.js';
import { defineScenario } from '../src/kernel/index.js';

/**
 * Tripwire for `liveness`. Lease expiry counted only for the leases a leader saw
 * granted or renewed while leading, as timers armed in its memory at each grant: a
 * lease inherited at an election is never expired, and a holder that crashed with it
 * keeps the lock for ever. etcd's lessor keeps its expiry heap on the leader for the
 * same reason and, on promotion, re-arms every lease it inherited (etcd commit
 * f5fa9b5, "expose Lessor Promote and Demote interface", called when raft reports
 * StateLeader).
 */
export default defineScenario({
  description: 'Raft lock service whose leader expires only the leases it granted or saw renewed itself; random faults',
  expect: { violates: 'liveness' },
  seeds: 60,
  ...raftLockSystem({ expiry: 'leader-timers', renewal: 'corrected', fencing: true }),
});
