import { defineScenario, ms, seconds } from '../src/kernel/index.js';
import { kafkaSummary } from '../src/designs/kafka/summary.js';
import { baseSystem, brokerNames, buildKafka, type KafkaSystemOptions } from '../src/designs/kafka/system.js';

const DURATION = seconds(5);

export const highWatermarkTruncationSystem: KafkaSystemOptions = {
  ...baseSystem(DURATION),
  producer: { acks: 1, retries: 0, maxInFlight: 2, idempotent: false },
  minInsyncReplicas: 1,
  truncation: 'high-watermark',
  // acks=1 accepts losing acknowledged writes on failover, and two requests in flight without
  // idempotence claim no order (as Kafka claims none): this scenario is about committed records.
  ackedLossAccepted: true,
};

/**
 * Kafka before 0.11: a replica that restarts or becomes a follower truncates its log
 * to its own high watermark, which lags the leader's by a fetch. KIP-101 ("Alter
 * Replication Protocol to use Leader Epoch rather than High Watermark for
 * Truncation") gives the two failures: a follower truncates committed records away
 * and is then elected (they are lost), or two replicas come back with different
 * records at one offset (they diverge). Leader epochs fix both.
 */
export default defineScenario({
  description: 'Followers truncate to their high watermark (pre-KIP-101); brokers crash and restart',
  expect: { violates: 'replica-consistency' },
  duration: DURATION,
  seeds: 120,
  network: { latency: { min: ms(1), max: ms(5) } },
  build: (world) => buildKafka(world, highWatermarkTruncationSystem),
  faultMix: {
    count: [4, 14],
    window: [ms(300), seconds(4)],
    weights: { crash: 4, pause: 1 },
    nodes: brokerNames(3),
    duration: [ms(10), ms(600)],
  },
  summary: kafkaSummary,
});
