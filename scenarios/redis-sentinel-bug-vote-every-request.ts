import { defineScenario, seconds } from '../src/kernel/index.js';
import { redisSentinelSystem } from '../src/designs/redis-sentinel/system.js';

/**
 * A planted bug, the tripwire of `one-leader-per-epoch`: sentinels that vote for every
 * candidate asking in an epoch instead of once per epoch (redis.io, "High availability
 * with Redis Sentinel", "Configuration epochs"). The primary crashes while sentinel-1 and
 * sentinel-2 cannot hear each other but both reach sentinel-3: both reach ODOWN, both ask
 * for votes in epoch 1, and sentinel-3 gives its vote to each: two leaders in one epoch.
 */
export default defineScenario({
  description: 'Sentinels that vote for every candidate, not once per epoch; two of them cut apart, the primary crashes',
  expect: { violates: 'one-leader-per-epoch' },
  seeds: 30,
  ...redisSentinelSystem({ votes: 'every-request', script: [] }), // the clients stay idle: the election is what is judged
  duration: seconds(8),
  faults: (random) => [
    { at: seconds(1), kind: 'partition-bridge', left: ['sentinel-1'], right: ['sentinel-2'], bridge: 'sentinel-3', duration: seconds(7) },
    { at: random.int(seconds(2), seconds(4)), kind: 'crash', node: 'redis-1' },
  ],
});
