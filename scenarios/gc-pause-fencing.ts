import { defineScenario } from '../src/kernel/index.js';
import { gcPauses, leaseLockSystem } from '../src/designs/lease-lock/system.js';

/** The same pauses, but the storage checks fencing tokens: the stale write is refused. */
export default defineScenario({
  description: 'Lease lock with fencing tokens at the storage; the same GC pauses',
  expect: 'safe',
  seeds: 200,
  ...leaseLockSystem({ fencing: true }),
  faults: gcPauses,
});
