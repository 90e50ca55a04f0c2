import { defineScenario, ms, seconds, type Fault, type Params, type Random, type World } from '../src/kernel/index.js';
import { leaseClient } from '../src/designs/fencing-lock/client.js';
import { leaseLockServer } from '../src/designs/fencing-lock/server.js';
import { noDoubleWrite } from '../src/designs/locking/properties.js';
import { protectedStorage } from '../src/designs/locking/storage.js';

/** How many clients compete for the lock; the shrinker tries fewer. */
export const clientParams = { clients: { default: 3, shrinkTo: 1, description: 'clients competing for the lock' } };
const clientIds = (params: Params<'clients'>) => Array.from({ length: params.clients }, (_, i) => `client-${i + 1}`);

/** Lease lock clients (TTL 3 s, renewed every 1 s: the textbook's 30 s / 10 s, scaled down), one storage. */
export function leaseLockSystem(fencing: boolean) {
  return {
    build(world: World, params: Params<'clients'>) {
      world.node('lock', leaseLockServer());
      world.node('storage', protectedStorage({ fencing }));
      for (const id of clientIds(params)) {
        world.node(
          id,
          leaseClient({
            resource: 'orders', lockServer: 'lock', storage: 'storage',
            ttl: seconds(3), renewEvery: seconds(1), work: { min: ms(50), max: ms(400) }, timeout: ms(200),
          }),
        );
      }
      world.property(noDoubleWrite());
    },
    /** Stop-the-world pauses longer than the lease, on clients picked at random. */
    faults(random: Random, _world: World, params: Params<'clients'>): Fault[] {
      const clients = clientIds(params);
      const faults: Fault[] = [];
      for (let at = seconds(1); at < seconds(50); at += random.int(seconds(8), seconds(12))) {
        faults.push({ at, kind: 'pause', node: random.pick(clients), duration: random.int(seconds(4), seconds(7)) });
      }
      return faults;
    },
  };
}

const system = leaseLockSystem(false);

/** A lease without fencing: the paused client wakes after its lease went to another, and its write lands. */
export default defineScenario({
  description: 'Lease lock without fencing tokens; clients pause (GC) for longer than the lease',
  expect: { violates: 'no-double-write' },
  duration: seconds(60),
  seeds: 100,
  params: clientParams,
  build: system.build,
  faults: system.faults,
});
