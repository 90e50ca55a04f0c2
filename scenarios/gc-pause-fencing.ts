import { defineScenario } from '../src/kernel/index.js';
import { gcPauses, leaseLockSystem, nodeFaults } from '../src/designs/lease-lock/system.js';

/**
 * The same pauses, but the storage checks fencing tokens: the stale write is refused.
 * Around them, crashes, pauses and clock steps of every node, the lock service and the
 * storage included, so the verdict also covers a service that forgets its leases.
 */
export default defineScenario({
  description: 'Lease lock with fencing tokens at the storage; the same GC pauses, and crashes, pauses and clock steps of every node',
  expect: 'safe',
  seeds: 200,
  ...leaseLockSystem({ fencing: true }),
  faults: (random, world, params) => [...gcPauses(random, world, params), ...nodeFaults(random, [...world.nodeIds])].sort((a, b) => a.at - b.at),
  requires: ['stale token refused by storage', 'lease expired and granted to another client'],
});
