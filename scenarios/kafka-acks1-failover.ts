import { defineScenario, ms, seconds } from '../src/kernel/index.js';
import { kafkaSummary } from '../src/designs/kafka/summary.js';
import { baseSystem, brokerNames, buildKafka, type KafkaSystemOptions } from '../src/designs/kafka/system.js';

const DURATION = seconds(5);

export const acks1System: KafkaSystemOptions = {
  ...baseSystem(DURATION),
  producer: { acks: 1, retries: 0, maxInFlight: 1, idempotent: false },
  minInsyncReplicas: 1,
};

/**
 * acks=1: the leader acknowledges once it has appended the record, before any
 * follower fetched it (Kafka documentation, producer config `acks`: "if the leader
 * fails immediately after acknowledging the record but before the followers have
 * replicated it then the record will be lost"). A leader crash in that window elects
 * a follower without the record: the acknowledged write is gone, with clean
 * elections and leader epochs.
 */
export default defineScenario({
  description: 'acks=1, 3 replicas, clean elections; brokers crash and are partitioned',
  expect: { violates: 'no-acked-loss' },
  duration: DURATION,
  seeds: 60,
  network: { latency: { min: ms(1), max: ms(5) } },
  build: (world) => buildKafka(world, acks1System),
  faultMix: {
    count: [4, 12],
    window: [ms(300), seconds(4)],
    weights: { crash: 3, partition: 1, pause: 1 },
    nodes: brokerNames(3),
    duration: [ms(20), seconds(1)],
  },
  summary: kafkaSummary,
});
