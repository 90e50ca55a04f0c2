import { defineScenario, ms, seconds } from '../src/kernel/index.js';
import { kafkaSummary } from '../src/designs/kafka/summary.js';
import { baseSystem, brokerNames, buildKafka, CONTROLLERS, type KafkaSystemOptions } from '../src/designs/kafka/system.js';

const DURATION = seconds(5);

export const retriesWithoutIdempotenceSystem: KafkaSystemOptions = {
  ...baseSystem(DURATION),
  producer: { acks: 'all', retries: 5, maxInFlight: 1, idempotent: false },
};

/**
 * Retries without the idempotent producer: a record appended (and replicated) whose
 * acknowledgement is lost or late is sent again and appended again. KIP-98 added the
 * producer id and per-partition sequence numbers so the broker can tell a retry from
 * a new record ("Exactly Once Delivery and Transactional Messaging", idempotent producer).
 */
export default defineScenario({
  description: 'acks=all, retries, no idempotence; lossy network, pauses and crashes',
  expect: { violates: 'no-duplicates' },
  duration: DURATION,
  seeds: 10,
  network: { latency: { min: ms(1), max: ms(5) } },
  build: (world) => buildKafka(world, retriesWithoutIdempotenceSystem),
  faultMix: {
    count: [3, 10],
    window: [ms(300), seconds(4)],
    weights: { degrade: 2, pause: 2, crash: 1, partition: 1 },
    nodes: [...brokerNames(3), ...CONTROLLERS],
    duration: [ms(50), seconds(1)],
  },
  summary: kafkaSummary,
});
