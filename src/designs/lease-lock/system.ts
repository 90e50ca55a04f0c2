import { drawFaults, ms, seconds, type Fault, type FaultMix, type Micros, type Params, type Random, type ScenarioSpec, type World } from '../../kernel/index.js';
import { checkLockScript, clientIds, clientParams, type LockScript } from '../locking/client.js';
import { fencingTokensIncrease, noDoubleWrite, tokensNeverDecrease } from '../locking/properties.js';
import { protectedStorage } from '../locking/storage.js';
import { leaseClient } from './client.js';
import { leaseLockServer } from './server.js';

export interface LeaseLockSystemOptions {
  /** The storage checks fencing tokens and refuses stale ones. */
  fencing: boolean;
  /** Where the lock service keeps its last token (default: on disk). */
  tokens?: 'disk' | 'memory';
  /** The lease (default 3 s) and how often clients renew it (default 1 s; `never`: not at all). */
  ttl?: Micros;
  renewEvery?: Micros | 'never';
  /** The clients' steps, typed in (a published story); without it each client runs its random loop. */
  script?: LockScript;
  /** Where the storage keeps the highest token it accepted (default: on disk). */
  storageHighestIn?: 'disk' | 'memory';
}

/**
 * The lease lock service, its clients competing for one resource (TTL 3 s, renewed
 * every 1 s: the textbook's 30 s / 10 s, scaled down), and the storage the lock
 * protects; judged by no-double-write and, when the service hands out fencing
 * tokens the storage checks, by tokens-never-decrease and fencing-tokens-increase.
 */
export function leaseLockSystem({ fencing, tokens = 'disk', ttl = seconds(3), renewEvery = seconds(1), script, storageHighestIn = 'disk' }: LeaseLockSystemOptions): Pick<ScenarioSpec<'clients'>, 'duration' | 'params' | 'build'> {
  return {
    duration: seconds(60),
    params: clientParams,
    build(world, params) {
      world.node('lock', leaseLockServer({ tokens }));
      world.node('storage', protectedStorage({ fencing, highestIn: storageHighestIn }));
      const clients = clientIds(params);
      if (script) checkLockScript(script, clients, world.duration);
      for (const id of clients) {
        world.node(
          id,
          leaseClient({
            resource: 'orders', lockServer: 'lock', storage: 'storage',
            ttl, renewEvery, work: { min: ms(50), max: ms(400) }, timeout: ms(200), script,
          }),
        );
      }
      // A token going down at a fencing storage is the storage failing, the precise
      // account of a write out of grant order: judged before no-double-write, which
      // would report the same write.
      if (fencing) world.property(tokensNeverDecrease());
      world.property(noDoubleWrite());
      if (fencing) world.property(fencingTokensIncrease());
    },
  };
}

/** Stop-the-world pauses (GC) longer than the lease, every 8–12 s, on clients picked at random. */
export function gcPauses(random: Random, _world: World, params: Params<'clients'>): Fault[] {
  const clients = clientIds(params);
  const faults: Fault[] = [];
  for (let at = seconds(1); at < seconds(50); at += random.int(seconds(8), seconds(12))) {
    faults.push({ at, kind: 'pause', node: random.pick(clients), duration: random.int(seconds(4), seconds(7)) });
  }
  return faults;
}

/**
 * Every kind of fault a client can suffer, equally likely, drawn per seed: pauses
 * (the one that breaks an unfenced lease), and crashes, partitions, lossy links
 * and clock jumps around it. With `--swarm` each seed keeps only some of the kinds.
 */
export function clientFaultMix(world: World): FaultMix {
  return {
    count: [2, 12],
    window: [ms(500), seconds(50)],
    weights: { pause: 1, crash: 1, partition: 1, degrade: 1, 'clock-jump': 1 },
    nodes: world.nodeIds.filter((id) => id.startsWith('client-')),
    partitionable: [...world.nodeIds],
    duration: [ms(200), seconds(6)],
    maxJump: seconds(2),
  };
}

/**
 * Faults of the nodes themselves, on any of `nodes`: crashes (the lock service forgets
 * its leases, keeping only its last token on disk; the storage keeps its highest
 * token), pauses, and clock steps either way (on the service, whose clock times the
 * leases, a step forward ends them early and one back lengthens them).
 */
export function nodeFaults(random: Random, nodes: string[]): Fault[] {
  return drawFaults(random, {
    count: [2, 6],
    window: [ms(500), seconds(50)],
    weights: { crash: 1, pause: 1, 'clock-jump': 1 },
    nodes,
    duration: [ms(200), seconds(6)],
    maxJump: seconds(4),
  });
}

/** Every fault of `clientFaultMix`, on the lock service and the storage as well as the clients. */
export function everyNodeFaultMix(world: World): FaultMix {
  return { ...clientFaultMix(world), nodes: [...world.nodeIds] };
}
