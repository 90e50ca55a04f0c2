import { ms, seconds, type Fault, type Random, type ScenarioSpec } from '../../kernel/index.js';
import { checkLockScript, clientIds, clientParams, type LockScript } from '../locking/client.js';
import { mutualExclusion } from '../locking/properties.js';
import { protectedStorage } from '../locking/storage.js';
import { redisServer } from '../redis/server.js';
import { sentinel } from '../redis/sentinel.js';
import { redisLockClient } from './client.js';

const PRIMARY = 'redis-primary';
const REPLICA = 'redis-replica';

/**
 * The single-Redis lock with a replica for availability: a primary replicating
 * asynchronously every 500 ms, Sentinel pinging it every 100 ms, clients competing
 * for one resource with a 3 s TTL, and the storage the lock protects (without
 * fencing); judged by mutual exclusion.
 */
export const redisLockSystem = redisLockSystemWith();

/** The same system, its clients following `script` instead of their random loops, if given. */
export function redisLockSystemWith(script?: LockScript): Pick<ScenarioSpec<'clients'>, 'duration' | 'params' | 'build'> {
  return {
    duration: seconds(10),
    params: clientParams,
    build(world, params) {
      const clients = clientIds(params);
      if (script) checkLockScript(script, clients, world.duration);
      world.node(PRIMARY, redisServer({ replicas: [REPLICA], replicationInterval: ms(500) }));
      world.node(REPLICA, redisServer({ replica: true }));
      world.node('sentinel', sentinel({ primary: PRIMARY, replica: REPLICA, pingInterval: ms(100), missedPings: 3 }));
      world.node('storage', protectedStorage({ fencing: false }));
      for (const id of clients) {
        world.node(
          id,
          redisLockClient({
            resource: 'orders', sentinel: 'sentinel', storage: 'storage',
            ttl: seconds(3), work: { min: ms(800), max: ms(1500) }, think: { min: ms(500), max: seconds(3) }, timeout: ms(100), script,
          }),
        );
      }
      world.property(mutualExclusion());
    },
  };
}

/** The primary crashes once, at a random moment between 1 s and 6 s, and stays down. */
export function primaryCrash(random: Random): Fault[] {
  return [{ at: random.int(seconds(1), seconds(6)), kind: 'crash', node: PRIMARY }];
}
