import { defineScenario, ms, seconds, type Fault } from '../src/kernel/index.js';
import { mutualExclusion } from '../src/designs/locking/properties.js';
import { protectedStorage } from '../src/designs/locking/storage.js';
import { redlockClient } from '../src/designs/redlock/client.js';
import { redisServer } from '../src/designs/redis/server.js';

const servers = ['redis-1', 'redis-2', 'redis-3', 'redis-4', 'redis-5'];
const ttl = seconds(1);

/**
 * Kleppmann's counter-example to Redlock: a minority of masters has its wall clock
 * stepped forward (an NTP correction), expiring the lock key early there. A client
 * that had a bare majority including that master keeps working, while another
 * client now wins a majority of its own: both are in the critical section.
 */
export default defineScenario({
  description: 'Redlock over 5 Redis masters; the clocks of 2 masters jump forward',
  expect: { violates: 'mutual-exclusion' },
  duration: seconds(20),
  seeds: 100,
  network: { latency: { min: ms(0.5), max: ms(8) } },
  params: { clients: { default: 3, shrinkTo: 1, description: 'clients competing for the lock' } },
  build(world, params) {
    for (const id of servers) world.node(id, redisServer());
    world.node('storage', protectedStorage({ fencing: false }));
    for (let i = 1; i <= params.clients; i++) {
      const id = `client-${i}`;
      world.node(id, redlockClient({ resource: 'orders', servers, storage: 'storage', ttl, work: { min: ms(100), max: ms(600) }, timeout: ms(50) }));
    }
    world.property(mutualExclusion());
  },
  faults(random) {
    const skewed = random.sample(servers, 2);
    const faults: Fault[] = [];
    for (let at = seconds(1); at < seconds(19); at += random.int(ms(300), ms(1500))) {
      faults.push({ at, kind: 'clock-jump', node: random.pick(skewed), delta: random.int(ms(200), ms(1500)) });
    }
    return faults;
  },
});
