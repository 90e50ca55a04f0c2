import { ms, seconds, type FaultMix, type Fact, type Micros, type ScenarioSpec } from '../../kernel/index.js';
import { kvModel, linearizable } from '../../check/linearizability/index.js';
import { checkRedisKvScript, redisKvClient, type RedisKvScript } from './client.js';
import type { SentinelFact } from './facts.js';
import { oneLeaderPerEpoch } from './properties.js';
import { sentinel, type SentinelOptions } from './sentinel.js';
import { replicatedRedis } from './server.js';

/**
 * redis.io, "High availability with Redis Sentinel", "Example 2: basic setup with three
 * boxes": three Redis servers (redis-1 the primary, two replicas), a sentinel on each
 * box (quorum 2), and a client on each, whose own box's sentinel comes first in its list.
 */
export const servers = ['redis-1', 'redis-2', 'redis-3'];
export const sentinels = ['sentinel-1', 'sentinel-2', 'sentinel-3'];
export const clients = ['client-1', 'client-2', 'client-3'];

/**
 * Redis's timings scaled down about thirtyfold so a run shows several failovers in 20 s:
 * down-after-milliseconds 1 s (Redis's example: 30 s), a PING and INFO every 100 ms,
 * a hello every 200 ms (2 s), failover-timeout 2 s (180 s), REPLCONF ACK every 100 ms (1 s),
 * min-replicas-max-lag 1 s (the docs' 10 s): the lag still expires at the time SDOWN does.
 */
const TIMING = { downAfter: seconds(1), period: ms(100), helloInterval: ms(200), failoverTimeout: seconds(2) };
const ACK_INTERVAL = ms(100);
const MIN_REPLICAS_MAX_LAG = seconds(1);

export interface RedisSentinelOptions {
  /** `min-replicas-to-write` on every server (0, Redis's default: off), with a max lag of 1 s. */
  minReplicasToWrite?: number;
  /** The clients' steps, instead of their random loops. */
  script?: RedisKvScript;
  /** How sentinels answer vote requests (see `SentinelOptions.votes`). */
  votes?: SentinelOptions['votes'];
}

/**
 * The system, judged by linearizability of what the clients saw (SET and GET on two
 * keys, a key-value register per key) and by Sentinel's own promise of one leader per epoch.
 */
export function redisSentinelSystem(options: RedisSentinelOptions = {}): Pick<ScenarioSpec, 'duration' | 'network' | 'build' | 'summary'> {
  return {
    duration: seconds(20),
    network: { latency: { min: ms(1), max: ms(10) } },
    build(world) {
      if (options.script) checkRedisKvScript(options.script, clients, world.duration);
      const serverOptions = { ackInterval: ACK_INTERVAL, minReplicasToWrite: options.minReplicasToWrite ?? 0, minReplicasMaxLag: MIN_REPLICAS_MAX_LAG };
      for (const id of servers) world.node(id, replicatedRedis({ ...serverOptions, replicaOf: id === servers[0] ? undefined : servers[0] }));
      for (const id of sentinels) world.node(id, sentinel({ ...TIMING, sentinels, servers, primary: servers[0]!, quorum: 2, votes: options.votes }));
      clients.forEach((id, i) => {
        const own = sentinels[i]!;
        world.node(id, redisKvClient({ sentinels: [own, ...sentinels.filter((s) => s !== own)], keys: ['x', 'y'], timeout: ms(100), think: { min: ms(20), max: ms(100) }, script: options.script }));
      });
      world.property(linearizable(kvModel));
      world.property(oneLeaderPerEpoch());
    },
    summary: () => {
      let discarded = 0;
      let failovers = 0;
      return {
        collect(fact: Fact) {
          const f = fact as Fact<SentinelFact>;
          if (f.kind === 'full-resync') discarded += f.data.unacknowledgedWrites;
          if (f.kind === 'failover-authorized') failovers++;
        },
        render: () => `${failovers} failover${failovers === 1 ? '' : 's'}; ${discarded} acknowledged write${discarded === 1 ? '' : 's'} no replica had, discarded by full resyncs`,
      };
    },
  };
}

/** Random partitions of every node (servers, sentinels and clients alike), long enough for a failover or not. */
export function partitionMix(window: [Micros, Micros] = [seconds(1), seconds(15)]): FaultMix {
  return { count: [1, 3], window, weights: { partition: 1 }, nodes: [...servers, ...sentinels, ...clients], duration: [ms(500), seconds(5)] };
}
