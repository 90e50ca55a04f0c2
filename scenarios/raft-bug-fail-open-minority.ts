import { raftLockSystem } from '../src/designs/raft-lock/system.js';
import { clients, servers } from '../src/designs/raft/system.js';
import { defineScenario, drawFaults, ms, seconds } from '../src/kernel/index.js';

/**
 * Tripwire for `no-minority-grant`. A lock service on Raft that prefers availability
 * in a partition: a leader that has heard from no majority for three heartbeats stops
 * waiting for commits and grants from a local copy of its lock table, outside the log,
 * until a majority answers again. The choice Hazelcast 3.x made for its locks: Jepsen's
 * analysis of Hazelcast 3.8.3 (2017) found them held twice across partitions, and
 * Hazelcast's reply was that "during a network partition, Hazelcast favours
 * availability over consistency" (its CP Subsystem, on Raft, came in 3.12). Only partitions
 * here: a leader cut off by a crash of both followers, or by heavy loss, grants outside
 * the log just the same, which is `no-uncommitted-grant`'s to report.
 */
export default defineScenario({
  description: 'Raft lock service whose leader grants from its local lock table once it has lost its majority; partitions of every kind',
  expect: { violates: 'no-minority-grant' },
  seeds: 100,
  ...raftLockSystem({ variant: { failOpenWhenCutOff: true }, renewal: 'corrected', fencing: true }),
  faults: (random) =>
    drawFaults(random, {
      count: [1, 4],
      window: [ms(500), seconds(15)],
      weights: { partition: 2, 'partition-oneway': 1, 'partition-bridge': 1 },
      nodes: [...servers, ...clients],
      duration: [ms(500), seconds(5)],
    }),
});
