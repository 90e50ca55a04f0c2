import { defineScenario } from '../src/kernel/index.js';
import { partitionMix, redisSentinelSystem } from '../src/designs/redis-sentinel/system.js';

/**
 * Redis Sentinel's split brain (redis.io, "High availability with Redis Sentinel",
 * "Example 2" and "Consistency under partitions"; Kingsbury, "Call me maybe: Redis", aphyr.com, 2013):
 * three servers, three sentinels (quorum 2), three clients, random partitions. When a
 * partition leaves the primary with a client but without a majority of sentinels, the
 * majority fails over while the client keeps writing to the old primary, which
 * acknowledges; on heal Sentinel makes it a replica of the new primary, and the full
 * resync discards those writes. The checker finds it from the clients' history alone.
 */
export default defineScenario({
  description: 'Redis + 3 Sentinels (quorum 2), async replication, random partitions; SET/GET histories checked for linearizability',
  expect: { violates: 'linearizable' },
  seeds: 30,
  ...redisSentinelSystem(),
  faultMix: partitionMix(),
});
