import { checkScript, ConfigError, ms, seconds, stepsOf, type Micros, type Random, type World } from '../../kernel/index.js';
import { raftTiming } from '../raft/system.js';
import { broker, type FlushPolicy } from './broker.js';
import { controller } from './controller.js';
import type { Acks } from './facts.js';
import { effectStore, consumer, groupCoordinator, type Assignor, type CommitPolicy } from './group.js';
import { delivery, exclusiveAssignment, leaderEpochs, noAckedLoss, noDuplicates, producerOrder, replicaConsistency } from './properties.js';
import { producer, type ProduceOp, type ProduceStep } from './producer.js';
import type { PartitionState } from './protocol.js';

/** The controller quorum: three controllers, KRaft's usual quorum, which survives the loss of any one. */
export const CONTROLLERS = ['controller-1', 'controller-2', 'controller-3'];
export const COORDINATOR = 'coordinator';
export const STORE = 'store';
export const consumerNames = (count: number) => Array.from({ length: count }, (_, i) => `consumer-${i + 1}`);
export const brokerNames = (count: number) => Array.from({ length: count }, (_, i) => `broker-${i + 1}`);
export const producerNames = (count: number) => Array.from({ length: count }, (_, i) => `producer-${i + 1}`);

/** The random workload: each producer produces `rate` records per second on average, to partitions drawn uniformly. */
export interface RandomWorkload {
  window: [Micros, Micros];
  rate: number;
}

export interface KafkaSystemOptions {
  brokers: number;
  partitions: number;
  replicationFactor: number;
  producers: number;
  producer: { acks: Acks; retries: number; maxInFlight: number; idempotent: boolean };
  /** min.insync.replicas */
  minInsyncReplicas: number;
  /** unclean.leader.election.enable */
  uncleanElection: boolean;
  /** A controller bug variant: see `ControllerOptions.epochOnFencing`. */
  epochOnFencing?: 'bump' | 'keep';
  flush: FlushPolicy;
  truncation: 'leader-epoch' | 'high-watermark';
  /** The random workload, or a script of plain-data steps (a published failure story typed in). */
  workload: RandomWorkload | { script: ProduceStep[] };
  /** The run's length: a scripted step after it is a configuration error. */
  duration: Micros;
  /**
   * The settings accept losing acknowledged writes (acks=1 on failover, unclean
   * election): no-acked-loss is not claimed, and the summary counts the losses.
   */
  ackedLossAccepted?: boolean;
  /** Judge nothing (the study measures what each configuration loses instead); default true. */
  properties?: boolean;
  /** A consumer group reading every partition, with the external store its side effects go to. */
  group?: {
    consumers: number;
    assignor: Assignor;
    commit: CommitPolicy;
    selfFence: boolean;
    processTime: Micros;
    /** Scripted leaves: consumer name → true time it leaves the group. */
    leaves?: Record<string, Micros>;
  };
}

/**
 * Timings, scaled to a simulated run of seconds: Kafka's defaults are a broker
 * session of 9 s (broker.session.timeout.ms, heartbeats every 2 s) and
 * replica.lag.time.max.ms of 30 s; the ratios are kept, the scale is not.
 */
export const kafkaTiming = {
  heartbeatEvery: ms(100),
  sessionTimeout: ms(400),
  fetchEvery: ms(25),
  fetchWaitMax: ms(100),
  replicaLagMax: ms(400),
  requestTimeout: ms(300),
  retryBackoff: ms(50),
  /** controller.quorum.request.timeout.ms (2 s against a 9 s broker session). */
  controllerTimeout: ms(100),
};

/** Replica placement: partition p's replicas are `replicationFactor` brokers starting at broker p (mod n), its preferred leader first. */
export function placement(options: Pick<KafkaSystemOptions, 'brokers' | 'partitions' | 'replicationFactor'>): PartitionState[] {
  const names = brokerNames(options.brokers);
  return Array.from({ length: options.partitions }, (_, p) => {
    const replicas = Array.from({ length: options.replicationFactor }, (_, i) => names[(p + i) % names.length]!);
    return { partition: p, replicas, leader: '', epoch: 0, isr: replicas, isrVersion: 0 };
  });
}

export function drawProduceSteps(random: Random, options: Pick<KafkaSystemOptions, 'producers' | 'partitions'>, workload: RandomWorkload): ProduceStep[] {
  const meanGap = Math.round(seconds(1) / workload.rate);
  const steps: Array<ProduceStep & { at: Micros }> = [];
  for (const name of producerNames(options.producers)) {
    for (let at = workload.window[0] + random.int(0, meanGap); at <= workload.window[1]; at += random.int(1, 2 * meanGap)) {
      steps.push({ client: name, at, kind: 'produce', partition: random.int(0, options.partitions - 1) });
    }
  }
  return steps.sort((a, b) => a.at - b.at);
}

function validate(options: KafkaSystemOptions): void {
  const problem = (text: string) => new ConfigError(`kafka: ${text}`);
  if (!(Number.isInteger(options.brokers) && options.brokers >= 1)) throw problem('brokers must be a whole number, 1 or more');
  if (!(Number.isInteger(options.partitions) && options.partitions >= 1)) throw problem('partitions must be a whole number, 1 or more');
  if (!(options.replicationFactor >= 1 && options.replicationFactor <= options.brokers)) throw problem(`replicationFactor must be from 1 to the number of brokers (${options.brokers})`);
  if (!(options.minInsyncReplicas >= 1 && options.minInsyncReplicas <= options.replicationFactor)) throw problem('minInsyncReplicas must be from 1 to the replication factor, or no acks=all write could ever succeed');
  if ('rate' in options.workload && !(options.workload.rate > 0)) throw problem('workload rate must be positive');
  if ('script' in options.workload) {
    checkScript<ProduceOp>(options.workload.script, {
      what: 'kafka script',
      clients: producerNames(options.producers),
      kinds: ['produce'],
      duration: options.duration,
      problem: ({ partition }) =>
        Number.isInteger(partition) && partition >= 0 && partition < options.partitions ? undefined : `no partition ${partition}; partitions are 0 to ${options.partitions - 1}`,
    });
  }
}

/** The settings most scenarios start from: 3 brokers, 1 partition replicated 3 times, 2 producers. */
export const baseSystem = (duration: Micros): KafkaSystemOptions => ({
  brokers: 3,
  partitions: 1,
  replicationFactor: 3,
  producers: 2,
  producer: { acks: 'all', retries: 1000, maxInFlight: 5, idempotent: true },
  minInsyncReplicas: 2,
  uncleanElection: false,
  flush: { kind: 'never' },
  truncation: 'leader-epoch',
  workload: { window: [0, duration - seconds(1)], rate: 20 },
  duration,
});

/**
 * Builds the controller quorum (on the Raft model, with the paper's timings: an
 * election well inside a broker session, as KRaft's 1 s election timeout is inside its
 * 9 s session), the brokers and the producers, and the properties the settings claim.
 */
export function buildKafka(world: World, options: KafkaSystemOptions): void {
  validate(options);
  const steps = 'script' in options.workload ? options.workload.script : drawProduceSteps(world.stream('workload'), options, options.workload);
  for (const name of CONTROLLERS) {
    world.node(name, controller({
      controllers: CONTROLLERS, timing: raftTiming, partitions: placement(options), sessionTimeout: kafkaTiming.sessionTimeout, uncleanElection: options.uncleanElection, epochOnFencing: options.epochOnFencing,
    }));
  }
  for (const name of brokerNames(options.brokers)) {
    world.node(name, broker({
      controllers: CONTROLLERS,
      controllerTimeout: kafkaTiming.controllerTimeout,
      minInsyncReplicas: options.minInsyncReplicas,
      replicaLagMax: kafkaTiming.replicaLagMax,
      flush: options.flush,
      truncation: options.truncation,
      heartbeatEvery: kafkaTiming.heartbeatEvery,
      fetchEvery: kafkaTiming.fetchEvery,
      fetchWaitMax: kafkaTiming.fetchWaitMax,
    }));
  }
  for (const name of producerNames(options.producers)) {
    world.node(name, producer({
      controllers: CONTROLLERS,
      controllerTimeout: kafkaTiming.controllerTimeout,
      ...options.producer,
      requestTimeout: kafkaTiming.requestTimeout,
      retryBackoff: kafkaTiming.retryBackoff,
      steps: stepsOf(steps, name),
    }));
  }
  if (options.group) buildGroup(world, options, options.group);
  if (options.properties === false) return;
  // What the controller quorum must keep: one leader per epoch, on every controller and broker (Raft's own
  // guarantees are searched by the Raft scenarios; here they are judged by what they are for).
  world.property(leaderEpochs());
  if (!options.ackedLossAccepted) world.property(noAckedLoss());
  // Unclean election gives committed records up by design (Kafka documentation, "Unclean leader
  // election"): with it enabled, replica consistency is not claimed.
  if (!options.uncleanElection) world.property(replicaConsistency());
  // Kafka promises order per partition only with one request in flight, or with idempotence.
  if (options.producer.idempotent || options.producer.maxInFlight === 1) world.property(producerOrder());
  world.property(noDuplicates());
}

function buildGroup(world: World, options: KafkaSystemOptions, group: NonNullable<KafkaSystemOptions['group']>): void {
  const names = consumerNames(group.consumers);
  for (const name of Object.keys(group.leaves ?? {})) {
    if (!names.includes(name)) throw new ConfigError(`kafka: a scripted leave names consumer '${name}', which the system does not have (it has ${names.join(', ')})`);
  }
  world.node(COORDINATOR, groupCoordinator({ partitions: options.partitions, assignor: group.assignor, sessionTimeout: kafkaTiming.sessionTimeout }));
  world.node(STORE, effectStore());
  for (const name of names) {
    world.node(name, consumer({
      coordinator: COORDINATOR, controllers: CONTROLLERS, controllerTimeout: kafkaTiming.controllerTimeout, store: STORE, commit: group.commit, selfFence: group.selfFence,
      heartbeatEvery: kafkaTiming.heartbeatEvery, sessionTimeout: kafkaTiming.sessionTimeout, processTime: group.processTime,
      requestTimeout: kafkaTiming.requestTimeout, leaveAt: group.leaves?.[name],
    }));
  }
  if (options.properties === false) return;
  world.property(exclusiveAssignment());
  world.property(delivery());
}
