import { defineScenario, ms, seconds } from '../src/kernel/index.js';
import { redisLockClient } from '../src/designs/redis-lock/client.js';
import { mutualExclusion } from '../src/designs/locking/properties.js';
import { protectedStorage } from '../src/designs/locking/storage.js';
import { redisServer } from '../src/designs/redis/server.js';
import { sentinel } from '../src/designs/redis/sentinel.js';

/**
 * The single-Redis lock with a replica for availability. Replication is
 * asynchronous: when the primary dies just after granting, the promoted replica
 * has never heard of the lock and grants it again.
 */
export default defineScenario({
  description: 'Single-Redis lock with async replication; the primary crashes and Sentinel fails over',
  expect: { violates: 'mutual-exclusion' },
  duration: seconds(10),
  seeds: 100,
  params: { clients: { default: 3, shrinkTo: 1, description: 'clients competing for the lock' } },
  build(world, params) {
    world.node('redis-primary', redisServer({ replicas: ['redis-replica'], replicationInterval: ms(500) }));
    world.node('redis-replica', redisServer({ replica: true }));
    world.node('sentinel', sentinel({ primary: 'redis-primary', replica: 'redis-replica', pingInterval: ms(100), missedPings: 3 }));
    world.node('storage', protectedStorage({ fencing: false }));
    for (let i = 1; i <= params.clients; i++) {
      const id = `client-${i}`;
      world.node(id, redisLockClient({ resource: 'orders', sentinel: 'sentinel', storage: 'storage', ttl: seconds(3), work: { min: ms(800), max: ms(1500) }, think: { min: ms(500), max: seconds(3) }, timeout: ms(100) }));
    }
    world.property(mutualExclusion());
  },
  faults: (random) => [{ at: random.int(seconds(1), seconds(6)), kind: 'crash', node: 'redis-primary' }],
});
