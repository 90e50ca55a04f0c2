import { defineScenario, ms, seconds } from '../../src/kernel/index.js';
import { redisSentinelSystem } from '../../src/designs/redis-sentinel/system.js';

/**
 * redis.io, "High availability with Redis Sentinel", "Example 2: basic setup with three
 * boxes": a partition isolates the box of the master M1 (redis-1, with sentinel S1 and
 * client C1) from R2 and R3. S2 and S3 agree M1 is down (quorum 2), one of them is voted
 * leader by the majority and promotes R2 ([M2]); C1 keeps writing to M1, which
 * acknowledges. "This data will be lost forever since when the partition will heal, the
 * master will be reconfigured as a replica of the new master, discarding its data set."
 * Here C1's SET x b at 2.5 s is acknowledged; after the heal C2 reads x = a.
 */
const m1Box = ['redis-1', 'sentinel-1', 'client-1'];
const rest = ['redis-2', 'sentinel-2', 'client-2', 'redis-3', 'sentinel-3', 'client-3'];
export default defineScenario({
  description: 'Sentinel, the old master partitioned away with a client: its acknowledged writes are discarded when the partition heals',
  expect: { violates: 'linearizable' },
  seeds: 5,
  ...redisSentinelSystem({
    script: [
      { client: 'client-1', at: ms(500), kind: 'set', key: 'x', value: 'a' },  // replicated to R2 and R3
      { client: 'client-1', at: ms(2500), kind: 'set', key: 'x', value: 'b' }, // acknowledged by M1, alone
      { client: 'client-2', at: seconds(8), kind: 'get', key: 'x' },           // a: b was discarded
    ],
  }),
  duration: seconds(10),
  faults: () => [{ at: seconds(2), kind: 'partition', groups: [m1Box, rest], duration: seconds(4) }],
  requires: ['failover authorized by a majority of sentinels', 'old primary demoted: reconfigured as a replica of the new one', 'full resync discarded writes the old primary had acknowledged'],
});
