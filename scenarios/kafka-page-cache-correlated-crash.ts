import { defineScenario, drawFaults, ms, seconds } from '../src/kernel/index.js';
import { kafkaSummary } from '../src/designs/kafka/summary.js';
import { baseSystem, brokerNames, buildKafka, type KafkaSystemOptions } from '../src/designs/kafka/system.js';

const DURATION = seconds(5);

export const pageCacheSystem: KafkaSystemOptions = { ...baseSystem(DURATION), flush: { kind: 'never' } };

/**
 * acks=all, min.insync.replicas=2, and Kafka's default flush policy: never force the
 * log to disk, leave it to the operating system. Replication stands in for fsync, so
 * an acknowledged write lives in 2 or 3 page caches: safe against any minority of
 * failures, but not against the replicas losing power together (a rack, a zone). This
 * is Kafka's documented trade-off, not a bug: the documentation ("Broker Configs",
 * log.flush.interval.messages) and vendors' tuning guides recommend leaving flush to
 * the OS because "partition replication provides greater data durability than writes
 * to any single disk"; it assumes failures are independent.
 */
export default defineScenario({
  description: 'acks=all, min.insync.replicas=2, flush never; every replica loses power at once',
  expect: { violates: 'no-acked-loss' },
  duration: DURATION,
  seeds: 20,
  network: { latency: { min: ms(1), max: ms(5) } },
  build: (world) => buildKafka(world, pageCacheSystem),
  faults(random) {
    const brokers = brokerNames(3);
    const outage = { at: random.int(ms(500), seconds(3.5)), kind: 'power-loss' as const, nodes: brokers, lost: random.chance(0.5) ? 1 : random.float(), restartAfter: random.int(ms(50), ms(500)) };
    const independent = drawFaults(random, { count: [0, 4], window: [ms(300), seconds(4)], weights: { crash: 1, pause: 1 }, nodes: brokers, duration: [ms(20), ms(500)] });
    return [outage, ...independent].sort((a, b) => a.at - b.at);
  },
  summary: kafkaSummary,
});
