import { ms, seconds, type Fault, type Random, type ScenarioSpec } from '../../kernel/index.js';
import { checkLockScript, clientIds, clientParams } from '../locking/client.js';
import { mutualExclusion } from '../locking/properties.js';
import { protectedStorage } from '../locking/storage.js';
import { redisServer } from '../redis/server.js';
import { redlockClient, type RedlockOptions } from './client.js';

/** The five independent Redis masters. */
export const masters = ['redis-1', 'redis-2', 'redis-3', 'redis-4', 'redis-5'];

/**
 * Redlock over five Redis masters, its clients competing for one resource with a
 * 1 s TTL, and the storage the lock protects (without fencing: Redlock hands out no
 * tokens); judged by mutual exclusion.
 */
export const redlockSystem = redlockSystemWith({ validity: 'covers-work' });

/** The clients' switches (see `RedlockOptions`) and, instead of their random loops, a script. */
export type RedlockSystemOptions = Pick<RedlockOptions, 'validity' | 'recheckClock' | 'acquire' | 'requestTimeout' | 'script'>;

/** Redlock's system with these client switches: the random scenarios use `covers-work`, the published stories the spec's `positive`. */
export function redlockSystemWith(options: RedlockSystemOptions): Pick<ScenarioSpec<'clients'>, 'duration' | 'network' | 'params' | 'build'> {
  return {
    duration: seconds(20),
    network: { latency: { min: ms(0.5), max: ms(8) } },
    params: clientParams,
    build(world, params) {
      for (const id of masters) world.node(id, redisServer());
      world.node('storage', protectedStorage({ fencing: false }));
      const clients = clientIds(params);
      if (options.script) checkLockScript(options.script, clients, world.duration);
      for (const id of clients) {
        world.node(id, redlockClient({ resource: 'orders', servers: masters, storage: 'storage', ttl: seconds(1), work: { min: ms(100), max: ms(600) }, timeout: ms(50), ...options }));
      }
      world.property(mutualExclusion());
    },
  };
}

/**
 * Kleppmann's counter-example ("How to do distributed locking", 2016): the wall
 * clocks of two masters are stepped forward (an NTP correction) every 0.3–1.5 s,
 * expiring the lock key early there.
 */
export function skewedMasters(random: Random): Fault[] {
  const skewed = random.sample(masters, 2);
  const faults: Fault[] = [];
  for (let at = seconds(1); at < seconds(19); at += random.int(ms(300), ms(1500))) {
    faults.push({ at, kind: 'clock-jump', node: random.pick(skewed), delta: random.int(ms(200), ms(1500)) });
  }
  return faults;
}
