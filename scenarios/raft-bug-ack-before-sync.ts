import { raftLockSystem } from '../src/designs/raft-lock/system.js';
import { servers } from '../src/designs/raft/system.js';
import { defineScenario, drawFaults, ms, seconds } from '../src/kernel/index.js';

const system = raftLockSystem({ variant: { ackBeforeSync: true }, renewal: 'corrected', fencing: true });

/**
 * Raft servers that append entries to the page cache and acknowledge them without
 * fsync. A process crash keeps the page cache, so crashes alone never show it; a
 * power loss takes back entries the server counted toward a majority: a committed
 * entry is then on a minority, and a leader elected without it overwrites it.
 */
export default defineScenario({
  description: 'Raft lock service whose servers acknowledge log entries before syncing them; power losses and crashes on servers',
  expect: { violates: 'leader-completeness' },
  seeds: 30,
  ...system,
  faults: (random) =>
    drawFaults(random, {
      count: [20, 60],
      window: [ms(500), seconds(15)],
      weights: { 'power-loss': 3, crash: 1, partition: 1 },
      nodes: servers,
      duration: [ms(5), ms(400)],
    }),
});
