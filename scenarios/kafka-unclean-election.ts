import { defineScenario, ms, seconds } from '../src/kernel/index.js';
import { kafkaSummary } from '../src/designs/kafka/summary.js';
import { baseSystem, brokerNames, buildKafka, CONTROLLERS, type KafkaSystemOptions } from '../src/designs/kafka/system.js';

const DURATION = seconds(5);

export const uncleanSystem: KafkaSystemOptions = {
  ...baseSystem(DURATION),
  // Without retries nothing is appended twice, and with two in flight no order is claimed: an unclean
  // leader replaces committed records, and the scenario is about the acknowledged ones it loses.
  producer: { acks: 'all', retries: 0, maxInFlight: 2, idempotent: false },
  minInsyncReplicas: 1,
  uncleanElection: true,
};

/**
 * unclean.leader.election.enable=true with min.insync.replicas=1: once the followers
 * fall out of the ISR the leader alone acknowledges acks=all writes; when it fails,
 * the controller elects a replica outside the ISR rather than wait (Kafka
 * documentation, "Unclean leader election: What if they all die?": availability over
 * consistency, "the first replica … to come back to life" becomes leader, whether
 * or not it is in the ISR), and every write it lacks is lost.
 */
export default defineScenario({
  description: 'acks=all, min.insync.replicas=1, unclean leader election enabled; brokers crash and are partitioned',
  expect: { violates: 'no-acked-loss' },
  duration: DURATION,
  seeds: 60,
  network: { latency: { min: ms(1), max: ms(5) } },
  build: (world) => buildKafka(world, uncleanSystem),
  faultMix: {
    count: [4, 12],
    window: [ms(300), seconds(4)],
    weights: { crash: 2, partition: 2, pause: 1 },
    nodes: brokerNames(3),
    partitionable: [...brokerNames(3), ...CONTROLLERS],
    duration: [ms(100), seconds(1.5)],
  },
  summary: kafkaSummary,
});
