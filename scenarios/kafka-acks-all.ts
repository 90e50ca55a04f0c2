import { defineScenario, ms, seconds } from '../src/kernel/index.js';
import { kafkaSummary } from '../src/designs/kafka/summary.js';
import { baseSystem, brokerNames, buildKafka, consumerNames, CONTROLLERS, COORDINATOR, type KafkaSystemOptions } from '../src/designs/kafka/system.js';

const DURATION = seconds(4);

export const acksAllSystem: KafkaSystemOptions = {
  ...baseSystem(DURATION),
  partitions: 2,
  flush: { kind: 'every-message' },
  workload: { window: [0, seconds(3)], rate: 12 },
  group: { consumers: 2, assignor: 'range', commit: { kind: 'after-process' }, selfFence: true, processTime: ms(5) },
};

/**
 * Kafka configured for durability: acks=all, min.insync.replicas=2 of 3, unclean
 * election off, leader-epoch truncation (KIP-101), the idempotent producer with 5
 * requests in flight, and every message flushed before it is acknowledged or
 * served to a follower (log.flush.interval.messages=1); a consumer group of two
 * committing after processing, whose consumers stop when their session lapses.
 * Every fault kind on the brokers, the three controllers of the quorum, the group
 * coordinator and the consumers, power losses included: a crashed, paused or cut-off
 * active controller is replaced by a standby that goes on from the committed
 * metadata log (the probe 'controller failover').
 *
 * Why flush every message: with Kafka's default (never flush, rely on replication)
 * a power loss on one broker is enough once the other replicas have left the ISR: a
 * partition from the controller fences them, the leader is the last ISR member, it
 * loses power and is elected again with the log it synced (found by this scenario
 * with `flush: never`, seed 60 of the first search). Kafka's answer is KIP-966
 * (eligible leader replicas); `kafka-page-cache-correlated-crash` shows the loss.
 * Scaled to 4 s runs of 12 records a second per producer (about 21 CPU-seconds for the 2,000 seeds: some 11 s on 2 idle cores).
 */
export default defineScenario({
  description: 'acks=all, min.insync.replicas=2, no unclean election, leader epochs, idempotent producer, flush every message, a consumer group committing after processing; every fault kind, power losses included',
  expect: 'safe',
  duration: DURATION,
  seeds: 2000,
  network: { latency: { min: ms(1), max: ms(5) } },
  build: (world) => buildKafka(world, acksAllSystem),
  faultMix: {
    count: [2, 12],
    window: [ms(300), seconds(3.2)],
    weights: { crash: 3, 'power-loss': 2, pause: 2, partition: 2, 'partition-oneway': 1, degrade: 1, 'clock-jump': 1, 'clock-drift': 1 },
    nodes: [...brokerNames(acksAllSystem.brokers), ...CONTROLLERS, COORDINATOR, ...consumerNames(2)],
    duration: [ms(20), seconds(1)],
    maxJump: seconds(1),
  },
  requires: ['controller failover', 'follower truncated by leader epoch', 'duplicate produce deduplicated', 'ISR shrank', 'ISR expanded', 'consumer fenced itself: session lost', 'group rebalanced (session timeout)'],
  exempt: {
    producer: "a producer's crash loses only records it has not sent; Kafka gives a restarted idempotent producer a new id, so it adds no history the brokers' properties judge",
    store: 'the external store is where the checker counts side effects: the ground truth, not a part under test',
  },
  summary: kafkaSummary,
});



