import { checkScript, follow, ms, seconds, sleep, stepsOf, type Micros, type NodeModel, type Random, type Script, type ScriptStep } from '../../kernel/index.js';
import { evalOn } from './worker.js';
import { TIMINGS } from './task.js';

/**
 * One submission, as plain data: a one-time task due `delay` after it is submitted,
 * or a recurring task (cron-like) whose occurrence k is due at `first + k × every`.
 */
export type SubmitOp =
  | { kind: 'task'; id: string; type: string; delay: Micros; maxRetries?: number }
  | { kind: 'cron'; name: string; type: string; first: Micros; every: Micros; maxRetries?: number };

/**
 * A submission by the submitter (`client`), at a true time (its clock is the
 * reference: it is never disturbed), or as soon as its previous one is stored.
 */
export type SubmitStep = ScriptStep<SubmitOp>;

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

/** The random workload as the submitter `client`'s steps: the same objects a script lists. */
export function drawWorkload(random: Random, workload: RandomWorkload, client: string): Array<SubmitStep & { at: Micros }> {
  const steps: Array<SubmitStep & { at: Micros }> = [];
  for (let c = 0; c < workload.crons; c++) {
    steps.push({ client, at: 0, kind: 'cron', name: `cron-${c + 1}`, type: 'send_report', first: seconds(1) + random.int(0, workload.every), every: workload.every });
  }
  for (let i = 0; i < workload.tasks; i++) {
    steps.push({ client, at: random.int(...workload.window), kind: 'task', id: `task-${i + 1}`, type: 'send_email', delay: random.int(...workload.delay) });
  }
  return steps.sort((a, b) => a.at - b.at);
}

/** Checks a script against the run before it starts: one line for the first problem, as a ConfigError. */
export function checkSubmitScript(steps: unknown, client: string, duration: Micros): asserts steps is Script<SubmitOp> {
  const ids = new Set<string>();
  checkScript<SubmitOp>(steps, {
    what: 'scheduler script',
    clients: [client],
    kinds: ['task', 'cron'],
    duration,
    problem(step) {
      const id = step.kind === 'task' ? step.id : step.name;
      if (ids.has(id)) return `'${id}' is submitted twice; give each task and cron its own name`;
      ids.add(id);
      return step.kind === 'cron' && !(step.every > 0) ? `cron '${step.name}' needs a positive interval` : undefined;
    },
  });
}

/**
 * The submitter: creates each task (or cron) at its time, asking again until the
 * store answers (creation by id is idempotent, so a repeat is harmless).
 */
export function submitter(options: { store: string; steps: Script<SubmitOp>; timeout: Micros }): NodeModel {
  return (ctx) => {
    function* submit(step: SubmitOp) {
      const maxRetries = step.maxRetries ?? TIMINGS.maxRetries;
      const [script, args] =
        step.kind === 'task'
          ? ['create-task', [step.id, step.type, ctx.now() + step.delay, maxRetries, '', -1]]
          : ['define-cron', [step.name, step.first, step.every, step.type, maxRetries]];
      while ((yield* evalOn(options.store, script as string, args as Array<string | number>, {}, options.timeout)) === undefined) yield* sleep(ms(100));
    }
    ctx.spawn(follow(stepsOf(options.steps, ctx.id), submit));
  };
}
