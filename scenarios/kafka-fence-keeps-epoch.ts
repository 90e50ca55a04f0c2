import { defineScenario, ms, seconds } from '../src/kernel/index.js';
import { kafkaSummary } from '../src/designs/kafka/summary.js';
import { baseSystem, brokerNames, buildKafka } from '../src/designs/kafka/system.js';

const DURATION = seconds(5);

/**
 * A controller that moves leadership off a broker whose session lapsed without a new
 * leader epoch, as if a failover were not an election. The leader epoch exists so that
 * every leader of a partition has its own number (KIP-101: followers truncate by it;
 * KIP-320: clients fence stale leaders with it); here the paused old leader and the
 * new one share one. Brokers are paused past their session timeout. Seeds: the first
 * violation came at seed 1–2 in each of 20 ranges (`npm run bench:search -- --ranges 20
 * scenarios/kafka-fence-keeps-epoch.ts`), so 20 is ten times the worst.
 */
export default defineScenario({
  description: 'Kafka controller fencing a lapsed leader without bumping the leader epoch; brokers paused past their sessions',
  expect: { violates: 'leader-epochs' },
  duration: DURATION,
  seeds: 20,
  network: { latency: { min: ms(1), max: ms(5) } },
  build: (world) => buildKafka(world, { ...baseSystem(DURATION), epochOnFencing: 'keep' }),
  faultMix: {
    count: [2, 6],
    window: [ms(500), seconds(4)],
    weights: { pause: 1 },
    nodes: brokerNames(3),
    duration: [ms(300), seconds(1)],
  },
  summary: kafkaSummary,
});
