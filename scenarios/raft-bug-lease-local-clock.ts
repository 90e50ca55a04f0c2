import { raftLockSystem } from '../src/designs/raft-lock/system.js';
import { defineScenario } from '../src/kernel/index.js';

/** Each replica decides lease expiry on its own clock: under drift or a jump, one expires a lease early and grants it again. */
export default defineScenario({
  description: 'Raft lock service whose replicas judge lease expiry by their own clocks; random faults with clock jumps and drift',
  expect: { violates: 'state-machine-safety' },
  seeds: 200,
  ...raftLockSystem({ expiry: 'local-clock', renewal: 'corrected', fencing: true }),
});
