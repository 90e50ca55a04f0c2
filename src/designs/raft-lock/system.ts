import { drawFaults, ms, seconds, type Fault, type Random, type ScenarioSpec } from '../../kernel/index.js';
import { checkLockScript, type LockScript } from '../locking/client.js';
import { fencingTokensIncrease, noDoubleWrite, tokensNeverDecrease } from '../locking/properties.js';
import { protectedStorage } from '../locking/storage.js';
import { raftSafety } from '../raft/properties.js';
import type { RaftVariant } from '../raft/server.js';
import { clients, raftTiming, randomFaults, servers } from '../raft/system.js';
import { raftLockClient, type RaftLockClientOptions } from './client.js';
import type { LockMachineOptions } from './machine.js';
import { grantsAfterHealing, noMinorityGrant, noUncommittedGrant } from './properties.js';
import { raftLockServer } from './server.js';

/** The textbook's lease timings scaled down 10×, keeping its ratio: a 3 s lease (30 s) renewed every 1 s (10 s). */
const timings = {
  ttl: seconds(3),
  renewEvery: seconds(1),
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
  /** The clients' steps typed in instead of their random loops (`acquire`, `wait`, `write`, `release`). */
  script?: LockScript;
}

/**
 * The lock service of designs.txt Problem 2 on three Raft servers, three clients
 * contending for one resource, and the storage the lock protects; the random
 * fault schedule of every Raft scenario (`raft/system.ts`), and faults of the storage.
 */
export function raftLockSystem(options: RaftLockSystemOptions): Pick<ScenarioSpec, 'duration' | 'build' | 'faults'> {
  return {
    duration,
    build(world) {
      for (const id of servers) world.node(id, raftLockServer({ servers, timing: raftTiming, variant: options.variant, expiry: options.expiry ?? 'log' }));
      world.node('storage', protectedStorage({ fencing: options.fencing }));
      if (options.script) checkLockScript(options.script, clients, world.duration);
      for (const id of clients) {
        world.node(
          id,
          raftLockClient({
            resource: 'orders', servers, storage: 'storage', ttl: timings.ttl, renewEvery: timings.renewEvery,
            work: timings.work, timeout: timings.clientTimeout, renewal: options.renewal, script: options.script,
          }),
        );
      }
      for (const property of raftSafety()) world.property(property);
      // Whether a grant may be made at all, before what it does to the tokens (a grant
      // from a minority side often reuses a token the majority has granted). A grant from
      // a server cut off since before it appended the entry is also uncommitted: the
      // textbook's own claim, judged from the network, names the cause, so it goes first.
      world.property(noMinorityGrant(servers));
      world.property(noUncommittedGrant(servers));
      // With fencing, a token going down at the storage is the storage failing: judged
      // before no-double-write, which would report the same write. Without, tokens go
      // down there by design, and only the order of writes is judged.
      if (options.fencing) world.property(tokensNeverDecrease());
      world.property(noDoubleWrite());
      if (options.fencing) world.property(fencingTokensIncrease());
      world.property(grantsAfterHealing(livenessBound));
    },
    faults: (random) => [...randomFaults(random), ...storageFaults(random)].sort((a, b) => a.at - b.at),
  };
}

/**
 * The storage crashes (keeping its highest token on disk), pauses (writes queue behind
 * the pause, and arrive late together), and has its clock stepped (it reads none: a
 * step must change nothing). Drawn after the Raft schedule, so that stays the same.
 */
function storageFaults(random: Random): Fault[] {
  return drawFaults(random, {
    count: [0, 3],
    window: [ms(500), seconds(15)],
    weights: { crash: 1, pause: 1, 'clock-jump': 1 },
    nodes: ['storage'],
    duration: [ms(50), seconds(5)],
  });
}
