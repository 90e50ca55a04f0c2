import { defineScenario, ms, seconds } from '../src/kernel/index.js';
import { kafkaSummary } from '../src/designs/kafka/summary.js';
import { baseSystem, buildKafka, consumerNames, type KafkaSystemOptions } from '../src/designs/kafka/system.js';

const DURATION = seconds(5);

export const zombieSystem: KafkaSystemOptions = {
  ...baseSystem(DURATION),
  partitions: 2,
  group: { consumers: 2, assignor: 'round-robin', commit: { kind: 'after-process' }, selfFence: false, processTime: ms(10) },
};

/**
 * A consumer paused (GC, a stalled VM) past its session timeout is expired by the
 * coordinator and its partitions go to another member; it wakes believing it still
 * owns them and processes the records it had fetched. The coordinator refuses its
 * next commit (the generation moved on), but the side effect is already written.
 */
export default defineScenario({
  description: 'Consumer group whose consumers do not stop when their session lapses; long pauses on consumers',
  expect: { violates: 'exclusive-assignment' },
  duration: DURATION,
  seeds: 30,
  network: { latency: { min: ms(1), max: ms(5) } },
  build: (world) => buildKafka(world, zombieSystem),
  faultMix: { count: [2, 6], window: [ms(300), seconds(3.5)], weights: { pause: 1 }, nodes: consumerNames(2), duration: [ms(200), seconds(1.5)] },
  summary: kafkaSummary,
});
