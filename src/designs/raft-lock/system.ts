import { drawFaults, ms, seconds, type Fault, type Random, type ScenarioSpec } from '../../kernel/index.js';
import { noDoubleWrite, tokensNeverDecrease } from '../locking/properties.js';
import { protectedStorage } from '../locking/storage.js';
import { raftSafety } from '../raft/properties.js';
import type { RaftVariant } from '../raft/server.js';
import { raftLockClient, type RaftLockClientOptions } from './client.js';
import type { LockMachineOptions } from './machine.js';
import { grantsAfterHealing, noMinorityGrant } from './properties.js';
import { raftLockServer } from './server.js';

export const servers = ['raft-1', 'raft-2', 'raft-3'];
export const clients = ['client-1', 'client-2', 'client-3'];

/**
 * The textbook's timings scaled down 10×, keeping its ratio: a 3 s lease (30 s)
 * renewed every 1 s (10 s). Raft's own timings are the paper's usual ones.
 */
const timings = {
  ttl: seconds(3),
  renewEvery: seconds(1),
  heartbeat: ms(50),
  electionTimeout: [ms(150), ms(300)] as [number, number],
  clientTimeout: ms(100),
  /** Work inside the lock spans several renewals and may outlast a TTL, so renewals matter. */
  work: { min: ms(500), max: seconds(6) },
};

/** Faults are over by 20 s at the latest, leaving a healed tail to judge liveness on. */
const duration = seconds(30);
/** After the last fault heals: an election (under 1 s), then the holder finishing its work (up to 6 s) or its lease running out (3 s). */
const livenessBound = seconds(10);

export interface RaftLockSystemOptions {
  variant?: RaftVariant;
  expiry?: LockMachineOptions['expiry'];
  renewal: RaftLockClientOptions['renewal'];
  fencing: boolean;
}

/**
 * The lock service of designs.txt Problem 2 on three Raft servers, three clients
 * contending for one resource, and the storage the lock protects; every fault
 * kind the kernel has, drawn from the seed.
 */
export function raftLockSystem(options: RaftLockSystemOptions): Pick<ScenarioSpec, 'duration' | 'build' | 'faults'> {
  return {
    duration,
    build(world) {
      const timing = { heartbeat: timings.heartbeat, electionTimeout: timings.electionTimeout };
      for (const id of servers) world.node(id, raftLockServer({ servers, timing, variant: options.variant, expiry: options.expiry ?? 'log' }));
      world.node('storage', protectedStorage({ fencing: options.fencing }));
      for (const id of clients) {
        world.node(
          id,
          raftLockClient({
            resource: 'orders', servers, storage: 'storage', ttl: timings.ttl, renewEvery: timings.renewEvery,
            work: timings.work, timeout: timings.clientTimeout, renewal: options.renewal,
          }),
        );
      }
      for (const property of raftSafety()) world.property(property);
      world.property(noDoubleWrite());
      world.property(tokensNeverDecrease());
      world.property(noMinorityGrant(servers));
      world.property(grantsAfterHealing(livenessBound));
    },
    faults: randomFaults,
  };
}

/**
 * The random fault schedule every Raft lock scenario runs under, correct model and
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
