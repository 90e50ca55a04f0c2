/**
 * The Kafka durability study: acks level × replication factor × flush policy, each
 * over the same seeds and the same faults (process crashes, power losses and
 * partitions of single brokers, drawn per seed). For each configuration: acknowledged
 * writes lost per 10,000 (the partition's last leader lacks them), writes
 * unavailable at the end (no leader), produce latency p50/p99 and throughput, in
 * virtual time. `npx tsx bench/kafka-study.ts [seeds]` (default 50).
 */
import { drawFaults, formatDuration, ms, RandomSource, seconds, Simulation, type Fact, type KernelFact } from '../src/kernel/index.js';
import type { FlushPolicy } from '../src/designs/kafka/broker.js';
import type { Acks, KafkaFact } from '../src/designs/kafka/facts.js';
import { KafkaStats } from '../src/designs/kafka/summary.js';
import { baseSystem, brokerNames, buildKafka, CONTROLLERS } from '../src/designs/kafka/system.js';

const seeds = Number(process.argv[2] ?? 50);
const DURATION = seconds(5);
const ACKS: Acks[] = [0, 1, 'all'];
const FACTORS = [1, 3];
const FLUSHES: Array<[string, FlushPolicy]> = [['every message', { kind: 'every-message' }], ['every 100 ms', { kind: 'interval', every: ms(100) }], ['never (OS)', { kind: 'never' }]];

const rows: string[] = ['| acks | replicas | flush | acknowledged | lost per 10,000 | unavailable per 10,000 | p50 | p99 | acknowledged/s |', '|---|---|---|---|---|---|---|---|---|'];
for (const acks of ACKS) {
  for (const factor of FACTORS) {
    for (const [flushName, flush] of FLUSHES) {
      let done = 0;
      let lost = 0;
      let unavailable = 0;
      const latencies: number[] = [];
      for (let seed = 1; seed <= seeds; seed++) {
        const sim = new Simulation({ seed, network: { latency: { min: ms(1), max: ms(5) } } });
        const stats = new KafkaStats();
        sim.property({ name: 'stats', observe: (fact) => void stats.collect(fact as Fact<KafkaFact | KernelFact>) });
        buildKafka(sim, {
          ...baseSystem(DURATION),
          replicationFactor: factor,
          minInsyncReplicas: acks === 'all' && factor === 3 ? 2 : 1,
          producer: { acks, retries: 3, maxInFlight: 1, idempotent: false },
          flush,
          properties: false,
        });
        sim.schedule(drawFaults(new RandomSource(seed).stream('faults'), {
          count: [3, 8],
          window: [ms(300), seconds(4)],
          weights: { crash: 2, 'power-loss': 2, partition: 1 },
          nodes: brokerNames(3),
          partitionable: [...brokerNames(3), ...CONTROLLERS],
          duration: [ms(50), ms(800)],
        }));
        sim.run(DURATION);
        const outcome = stats.outcome();
        done += outcome.done;
        lost += outcome.lost;
        unavailable += outcome.unavailable;
        latencies.push(...stats.latencies);
      }
      latencies.sort((a, b) => a - b);
      const pct = (p: number) => (latencies.length === 0 ? '—' : formatDuration(latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))]!));
      const per10k = (n: number) => (done === 0 ? '—' : ((n / done) * 10_000).toFixed(0));
      rows.push(`| ${acks} | ${factor} | ${flushName} | ${done} | ${per10k(lost)} | ${per10k(unavailable)} | ${acks === 0 ? '—' : pct(50)} | ${acks === 0 ? '—' : pct(99)} | ${(done / (seeds * (DURATION / seconds(1)))).toFixed(1)} |`);
      console.error(rows.at(-1));
    }
  }
}
console.log(rows.join('\n'));
console.log(`\n${seeds} seeds of ${formatDuration(DURATION)} per configuration, the same faults for each: process crashes, power losses and partitions of single brokers.`);
