import { ConfigError, ms, seconds, sleep, type Micros, type NodeModel, type Random, type Workflow } from '../../kernel/index.js';
import { evalOn } from './worker.js';
import { TIMINGS } from './task.js';

/**
 * One submission, as plain data: a one-time task due `delay` after it is submitted,
 * or a recurring task (cron-like) whose occurrence k is due at `first + k × every`.
 * `at` is true time (the submitter's clock is the reference: it is never disturbed).
 */
export type SubmitStep =
  | { at: Micros; kind: 'task'; id: string; type: string; delay: Micros; maxRetries?: number }
  | { at: Micros; kind: 'cron'; name: string; type: string; first: Micros; every: Micros; maxRetries?: number };

export interface RandomWorkload {
  tasks: number;
  /** True-time window submissions happen in. */
  window: [Micros, Micros];
  /** How far ahead each task is scheduled. */
  delay: [Micros, Micros];
  /** Recurring tasks, each every `every`, defined at the start. */
  crons: number;
  every: Micros;
}

/** The random workload as submission steps: the same objects a script lists. */
export function drawWorkload(random: Random, workload: RandomWorkload): SubmitStep[] {
  const steps: SubmitStep[] = [];
  for (let c = 0; c < workload.crons; c++) {
    steps.push({ at: 0, kind: 'cron', name: `cron-${c + 1}`, type: 'send_report', first: seconds(1) + random.int(0, workload.every), every: workload.every });
  }
  for (let i = 0; i < workload.tasks; i++) {
    steps.push({ at: random.int(...workload.window), kind: 'task', id: `task-${i + 1}`, type: 'send_email', delay: random.int(...workload.delay) });
  }
  return steps.sort((a, b) => a.at - b.at);
}

/** Checks a script against the run before it starts: one line per problem, as a ConfigError. */
export function checkScript(steps: readonly SubmitStep[], duration: Micros): void {
  const ids = new Set<string>();
  for (const step of steps) {
    if (!(step.at >= 0 && step.at < duration)) throw new ConfigError(`scheduler script: a submission at ${step.at} µs is outside the run (0 to ${duration} µs)`);
    const id = step.kind === 'task' ? step.id : step.name;
    if (ids.has(id)) throw new ConfigError(`scheduler script: '${id}' is submitted twice; give each task and cron its own name`);
    ids.add(id);
    if (step.kind === 'cron' && !(step.every > 0)) throw new ConfigError(`scheduler script: cron '${step.name}' needs a positive interval`);
  }
}

/**
 * The submitter: creates each task (or cron) at its time, asking again until the
 * store answers (creation by id is idempotent, so a repeat is harmless).
 */
export function submitter(options: { store: string; steps: readonly SubmitStep[]; timeout: Micros }): NodeModel {
  return (ctx) => {
    ctx.spawn(
      (function* submit(): Workflow {
        for (const step of options.steps) {
          if (step.at > ctx.now()) yield* sleep(step.at - ctx.now());
          const maxRetries = step.maxRetries ?? TIMINGS.maxRetries;
          const [script, args] =
            step.kind === 'task'
              ? ['create-task', [step.id, step.type, ctx.now() + step.delay, maxRetries, '', -1]]
              : ['define-cron', [step.name, step.first, step.every, step.type, maxRetries]];
          while ((yield* evalOn(options.store, script as string, args as Array<string | number>, {}, options.timeout)) === undefined) yield* sleep(ms(100));
        }
      })(),
    );
  };
}
