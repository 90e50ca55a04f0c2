import { defineScenario, ms, seconds } from '../src/kernel/index.js';
import { kafkaSummary } from '../src/designs/kafka/summary.js';
import { baseSystem, buildKafka, consumerNames, type KafkaSystemOptions } from '../src/designs/kafka/system.js';

const DURATION = seconds(5);

export const commitBeforeSystem: KafkaSystemOptions = {
  ...baseSystem(DURATION),
  partitions: 2,
  group: { consumers: 2, assignor: 'range', commit: { kind: 'before-process' }, selfFence: true, processTime: ms(10) },
};

/**
 * A consumer group that commits a record's offset before processing it (at-most-once):
 * a consumer that crashes between the commit and the side effect leaves a committed
 * offset past a record nobody processed, and the partition's next owner resumes after
 * it (Kafka documentation, "Consumer Position": committing before processing gives
 * at-most-once delivery).
 */
export default defineScenario({
  description: 'Consumer group committing offsets before processing; consumers crash and restart',
  expect: { violates: 'delivery' },
  duration: DURATION,
  seeds: 10,
  network: { latency: { min: ms(1), max: ms(5) } },
  build: (world) => buildKafka(world, commitBeforeSystem),
  faultMix: { count: [2, 8], window: [ms(300), seconds(3.5)], weights: { crash: 1 }, nodes: consumerNames(2), duration: [ms(20), ms(300)] },
  summary: kafkaSummary,
});
