import { defineScenario } from '../src/kernel/index.js';
import { everyNodeFaultMix, leaseLockSystem } from '../src/designs/lease-lock/system.js';

/**
 * Fencing tokens at the storage hold against every fault of the mix, not just the
 * pauses, and on every node: a lock service that crashes forgets its leases (only its
 * last token is on disk), one whose clock steps forward ends them early.
 */
export default defineScenario({
  description: 'Lease lock with fencing tokens; pauses, crashes, partitions, loss and clock jumps drawn per seed on every node',
  expect: 'safe',
  seeds: 200,
  ...leaseLockSystem({ fencing: true }),
  faultMix: everyNodeFaultMix,
  requires: ['stale token refused by storage', 'lease expired and granted to another client', 'renewal refused: the lease had moved on or was lost'],
});
