import { raftLockSystem } from '../src/designs/raft-lock/system.js';
import { defineScenario } from '../src/kernel/index.js';

/**
 * The leader answers from local state as soon as it appends, before the entry is
 * committed: every grant it tells a client of is one the log has not committed yet
 * (the first one, with no fault at all), and a leader deposed meanwhile, by a
 * partition or by a pause alone, tells of grants the log never makes.
 */
export default defineScenario({
  description: 'Raft lock service whose leader grants from local state before commit; random faults',
  expect: { violates: 'no-uncommitted-grant' },
  seeds: 50,
  ...raftLockSystem({ variant: { answerFromLocalState: true }, renewal: 'corrected', fencing: true }),
});
