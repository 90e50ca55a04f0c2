import { drawFaults, ms, seconds, type Fault, type Random } from '../../kernel/index.js';
import type { RaftTiming } from './server.js';

/** The cluster every Raft scenario runs: three servers, and three client nodes of the service built on them. */
export const servers = ['raft-1', 'raft-2', 'raft-3'];
export const clients = ['client-1', 'client-2', 'client-3'];

/** The paper's usual timings (§9.3: election timeouts of 150–300 ms), with a heartbeat well inside them. */
export const raftTiming: RaftTiming = { heartbeat: ms(50), electionTimeout: [ms(150), ms(300)] };

/**
 * The random fault schedule every Raft scenario runs under, correct model and
 * bugs alike: all fault kinds, on servers and clients. Each seed first draws a
 * profile (a small swarm): *calm*, a few faults lasting up to 5 s (long pauses and
 * partitions, which leases and fencing are about), or *storm*, hundreds of short
 * faults, mostly crashes, which is what it takes to hit a server between two steps
 * of an election or a commit.
 */
export function randomFaults(random: Random): Fault[] {
  const common = { nodes: [...servers, ...clients], maxJump: seconds(5), maxDriftPpm: 100_000 };
  if (random.chance(0.5)) {
    return drawFaults(random, {
      ...common,
      count: [2, 8],
      window: [ms(500), seconds(15)],
      weights: { partition: 2, 'partition-oneway': 1, 'partition-bridge': 1, degrade: 1, pause: 2, crash: 2, 'clock-jump': 1, 'clock-drift': 1 },
      duration: [ms(50), seconds(5)],
    });
  }
  return drawFaults(random, {
    ...common,
    count: [150, 300],
    window: [ms(500), seconds(8)],
    weights: { partition: 1, 'partition-oneway': 1, 'partition-bridge': 1, degrade: 1, pause: 1, crash: 10, 'clock-jump': 1, 'clock-drift': 1 },
    duration: [ms(5), ms(300)],
  });
}
