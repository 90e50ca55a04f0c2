import { raftLockSystem } from '../src/designs/raft-lock/system.js';
import { defineScenario } from '../src/kernel/index.js';

/** The leader answers from local state without a majority confirming it still leads: a deposed leader grants a lock. */
export default defineScenario({
  description: 'Raft lock service whose leader grants from local state before commit; random faults',
  expect: { violates: 'no-minority-grant' },
  seeds: 500,
  ...raftLockSystem({ variant: { answerFromLocalState: true }, renewal: 'corrected', fencing: true }),
});
