import { defineScenario } from '../src/kernel/index.js';
import { gcPauses, leaseLockSystem } from '../src/designs/lease-lock/system.js';

/** A lease without fencing: the paused client wakes after its lease went to another, and its write lands. */
export default defineScenario({
  description: 'Lease lock without fencing tokens; clients pause (GC) for longer than the lease',
  expect: { violates: 'no-double-write' },
  seeds: 100,
  ...leaseLockSystem({ fencing: false }),
  faults: gcPauses,
});
