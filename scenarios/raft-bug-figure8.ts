import { raftLockSystem } from '../src/designs/raft-lock/system.js';
import { defineScenario } from '../src/kernel/index.js';

/** Raft paper, Figure 8: a leader that commits an earlier term's entry by counting its replicas can see it overwritten. */
export default defineScenario({
  description: 'Raft lock service whose leaders commit entries of earlier terms by counting replicas; random faults',
  expect: { violates: 'leader-completeness' },
  seeds: 2000,
  ...raftLockSystem({ variant: { commitEarlierTerms: true }, renewal: 'corrected', fencing: true }),
});
