import { defineScenario } from '../src/kernel/index.js';
import { leaseLockSystem, nodeFaults } from '../src/designs/lease-lock/system.js';

/**
 * A lock service that keeps its last fencing token in memory: after a crash it counts
 * from 1 again. The storage, still holding the highest token it accepted, refuses the
 * writes made under the reused tokens, so no write is doubled; what breaks is the
 * promise every fencing design rests on, that each grant's token is above all before.
 */
export default defineScenario({
  description: 'Lease lock whose service keeps its last fencing token in memory; crashes, pauses and clock steps of every node',
  expect: { violates: 'fencing-tokens-increase' },
  seeds: 50,
  ...leaseLockSystem({ fencing: true, tokens: 'memory' }),
  faults: (random, world) => nodeFaults(random, [...world.nodeIds]),
});
