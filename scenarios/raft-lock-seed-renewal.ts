import { raftLockSystem } from '../src/designs/raft-lock/system.js';
import { defineScenario } from '../src/kernel/index.js';

/**
 * The textbook client as written: its renewal loop stops on the first error and the
 * client keeps believing it holds the lock; the storage does not check fencing
 * tokens. A correct Raft service underneath does not save it.
 */
export default defineScenario({
  description: "Raft lock service with the textbook's renewal loop and no fencing at the storage; random faults",
  expect: { violates: 'no-double-write' },
  seeds: 1000,
  ...raftLockSystem({ renewal: 'seed', fencing: false }),
});
