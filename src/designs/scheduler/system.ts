import { ConfigError, drawFaults, ms, seconds, type Fault, type FaultKind, type FaultMix, type Micros, type Random, type ScenarioSpec, type World } from '../../kernel/index.js';
import type { RaftTiming } from '../raft/server.js';
import { checkSubmitScript, drawWorkload, submitter, type RandomWorkload, type SubmitStep } from './client.js';
import { effectStore, type EffectIdempotency } from './effects.js';
import { atLeastOnce, cronExact, effectOnce, notEarly, retriesBounded } from './properties.js';
import { scheduler, type Election, type Promotion } from './scheduler.js';
import { taskStore } from './store.js';
import { schedulerSummary } from './summary.js';
import { asyncSeedWorker } from './async-worker.js';
import { worker, type HandlerProfile, type WorkerOptions, type WorkerVariant } from './worker.js';

/** The names of one system's nodes; `scope` prefixes them all, so a study can put many systems in one world. */
export function schedulerNodes(scope = '') {
  return {
    client: `${scope}client`,
    store: `${scope}store`,
    mailer: `${scope}mailer`,
    schedulers: [1, 2, 3].map((i) => `${scope}scheduler-${i}`),
    workers: [1, 2, 3].map((i) => `${scope}worker-${i}`),
  };
}
export type SchedulerNodes = ReturnType<typeof schedulerNodes>;

export const SCHEDULERS = schedulerNodes().schedulers;
export const WORKERS = schedulerNodes().workers;

export interface SchedulerVariant {
  worker: WorkerVariant;
  /** The seed worker as generators (worker.ts, the default) or as async functions (async-worker.ts): the same steps, the same trace. */
  workerStyle?: 'generator' | 'async';
  election: Election;
  promotion: Promotion;
  effects: EffectIdempotency;
  handler?: Partial<HandlerProfile>;
  workload?: Partial<RandomWorkload>;
  /** Submissions typed in instead of drawn (plain data: see `SubmitStep`). */
  script?: SubmitStep[];
  /** `measure`: the study's runs, which must go on to the end to be counted, judge nothing. */
  purpose?: 'judge' | 'measure';
  /** Prefix of every node and stream name of this system (`schedulerNodes`). */
  scope?: string;
}

/**
 * Handlers: mostly 50–500 ms; 5% slow (2–5 s, so some outlast the 3 s visibility
 * timeout); 20% raise a RetryableError, 3% a non-retryable one.
 */
export const DEFAULT_HANDLER: HandlerProfile = { duration: [ms(50), ms(500)], slowRate: 0.05, slow: [seconds(2), seconds(5)], retryableRate: 0.2, fatalRate: 0.03 };

/** 30 one-time tasks submitted in the first 20 s, each due 0–5 s later, and one cron every 2 s. */
export const DEFAULT_WORKLOAD: RandomWorkload = { tasks: 30, window: [ms(500), seconds(20)], delay: [0, seconds(5)], crons: 1, every: seconds(2) };

/** Faults start in the first 20 s and last at most 5 s. */
export const FAULT_WINDOW: [Micros, Micros] = [ms(500), seconds(20)];
const FAULT_DURATION: [Micros, Micros] = [ms(100), seconds(5)];

/**
 * After the heal, a task may wait out a visibility timeout (3 s), then take four
 * attempts of up to 5 s with backoffs of 0.6 + 1.2 + 2.4 s between them, behind an
 * election (< 1 s): about 28 s at worst. The bound is 30 s.
 */
export const LIVENESS_BOUND = seconds(30);
/** A start this close before the due time is not early: the store's clock and true time agree to well within it. */
export const EARLY_TOLERANCE = ms(50);
export const DURATION = seconds(55);

/**
 * The schedulers' Raft: a 200 ms heartbeat and 600–1200 ms election timeouts (the
 * paper's 150–300 ms ranges, ×4): a scheduler's leader moves tasks at a 200 ms
 * cadence anyway, and the slower beat keeps 2,000 seeds affordable.
 */
const SCHEDULER_RAFT: RaftTiming = { heartbeat: ms(200), electionTimeout: [ms(600), ms(1200)] };

function submissions(world: World, variant: SchedulerVariant, client: string): readonly SubmitStep[] {
  if (variant.script) {
    checkSubmitScript(variant.script, client, DURATION);
    return variant.script;
  }
  return drawWorkload(world.stream(`${variant.scope ?? ''}workload`), { ...DEFAULT_WORKLOAD, ...variant.workload }, client);
}

/**
 * The task scheduler of designs.txt Problem 4: a submitter, the store (Redis), three
 * schedulers (one leads, by Raft or by a lease on the store), three workers and the
 * e-mail provider the handlers act on; every scheduler property.
 */
export function buildScheduler(world: World, variant: SchedulerVariant): void {
  const timeout = ms(200);
  const { client, store, mailer, schedulers, workers } = schedulerNodes(variant.scope);
  const steps = submissions(world, variant, client);
  world.node(client, submitter({ store, steps, timeout }));
  world.node(store, taskStore());
  world.node(mailer, effectStore(variant.effects));
  for (const id of schedulers) {
    world.node(id, scheduler({ store, promotion: variant.promotion, election: variant.election, schedulers, raftTiming: SCHEDULER_RAFT, timeout }));
  }
  if (variant.workerStyle === 'async' && variant.worker !== 'seed') throw new ConfigError('workerStyle: async is written for the seed worker only');
  const workerOptions = (): WorkerOptions => ({ variant: variant.worker, store, effects: mailer, handler: { ...DEFAULT_HANDLER, ...variant.handler }, timeout });
  for (const id of workers) world.node(id, variant.workerStyle === 'async' ? asyncSeedWorker(workerOptions()) : worker(workerOptions()));

  if (variant.purpose === 'measure') return;
  const crons = steps.flatMap((s) => (s.kind === 'cron' ? [{ name: s.name, first: s.first, every: s.every }] : []));
  world.property(atLeastOnce(LIVENESS_BOUND));
  world.property(notEarly(EARLY_TOLERANCE));
  world.property(effectOnce());
  world.property(retriesBounded());
  world.property(cronExact(crons, LIVENESS_BOUND));
}

export function schedulerSystem(variant: SchedulerVariant): Pick<ScenarioSpec, 'duration' | 'build' | 'summary'> {
  return { duration: DURATION, build: (world) => buildScheduler(world, variant), summary: () => schedulerSummary(DURATION - LIVENESS_BOUND) };
}

/** A fault mix of the given kinds on the given nodes, 2–8 of them in the fault window (swarm-able: `--swarm`). */
export function mixOn(nodes: string[], weights: Partial<Record<FaultKind, number>>, count: [number, number] = [2, 8]): FaultMix {
  return { count, window: FAULT_WINDOW, weights, nodes, duration: FAULT_DURATION, maxJump: seconds(5), maxDriftPpm: 100_000 };
}

/**
 * Everything, for the corrected system: crashes, pauses, clock jumps and drift on
 * schedulers and workers, crashes and pauses of the store, partitions and lossy,
 * duplicating links among all of them (`network`: which of the two network faults;
 * a degraded network is the whole world's, so a study of many systems in one world
 * leaves it out).
 */
export function everyFault(random: Random, nodes: SchedulerNodes = schedulerNodes(), network: Array<'partition' | 'degrade'> = ['partition', 'degrade']): Fault[] {
  const movers = [...nodes.schedulers, ...nodes.workers];
  const weights = Object.fromEntries(network.map((kind) => [kind, 1]));
  return [
    ...drawFaults(random, mixOn(movers, { crash: 2, pause: 2, 'clock-jump': 1, 'clock-drift': 1 })),
    ...drawFaults(random, mixOn([nodes.store], { crash: 1, pause: 1 }, [0, 2])),
    ...drawFaults(random, { count: [0, 3], window: FAULT_WINDOW, weights, nodes: [...movers, nodes.store, nodes.mailer], duration: FAULT_DURATION }),
  ].sort((a, b) => a.at - b.at);
}
