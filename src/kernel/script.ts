import { ConfigError } from './errors.js';
import type { Effect, Workflow } from './node.js';
import type { Micros } from './time.js';

/**
 * One step of a client's workload, as plain data: an operation (`{ kind: 'acquire' }`,
 * `{ kind: 'put', key, value }`) by one client, at a true time, or (no `at`) as soon
 * as that client's previous step completes. A scenario types a published story in as
 * a list of these; a client's random loop generates the same objects one at a time,
 * so the script and the random workload run through one implementation (`follow`).
 */
export type ScriptStep<Op extends { kind: string } = { kind: string }> = Op & { client: string; at?: Micros };

/** A typed-in workload: every client's steps, in the order each client performs its own. */
export type Script<Op extends { kind: string } = { kind: string }> = ReadonlyArray<ScriptStep<Op>>;

/** What a script is checked against before the run. */
export interface ScriptRules<Op extends { kind: string }> {
  /** Names the script in messages: `lock script`. */
  what: string;
  /** The clients that follow a script. */
  clients: readonly string[];
  /** The step kinds these clients perform. */
  kinds: readonly string[];
  /** How long the run lasts: a step timed beyond it would never happen. */
  duration: Micros;
  /** Anything else wrong with one step (a missing key, an amount below 1), in a few words. */
  problem?(step: ScriptStep<Op>): string | undefined;
}

/**
 * Throws a ConfigError for the first bad step: a client that does not exist, a kind
 * the client does not perform, a time outside the run, or what `rules.problem` finds.
 */
export function checkScript<Op extends { kind: string }>(script: unknown, rules: ScriptRules<Op>): asserts script is Script<Op> {
  if (!Array.isArray(script)) throw new ConfigError(`${rules.what}: a script is a list of steps { client, at?, kind, … }, not ${JSON.stringify(script)}`);
  for (const [i, step] of (script as unknown[]).entries()) {
    const problem = stepProblem(step, rules);
    if (problem) throw new ConfigError(`${rules.what}, step ${i + 1}: ${problem}`);
  }
}

function stepProblem<Op extends { kind: string }>(value: unknown, rules: ScriptRules<Op>): string | undefined {
  if (typeof value !== 'object' || value === null) return `must be an object { client, at?, kind, … }, not ${JSON.stringify(value)}`;
  const step = value as ScriptStep<Op>;
  if (!rules.clients.includes(step.client)) return `no client '${step.client}' (clients: ${rules.clients.join(', ')})`;
  if (!rules.kinds.includes(step.kind)) return `${step.client} cannot '${step.kind}' (it can: ${rules.kinds.join(', ')})`;
  if (step.at !== undefined && !(Number.isSafeInteger(step.at) && step.at >= 0 && step.at <= rules.duration)) {
    return `"at" must be a true time within the run (0 to ${rules.duration} µs), not ${step.at}`;
  }
  return rules.problem?.(step);
}

/** The steps one client performs, in order. */
export function stepsOf<S extends { client: string }>(script: ReadonlyArray<S>, client: string): S[] {
  return script.filter((step) => step.client === client);
}

/**
 * A client's workflow: takes each step of its plan (a script's list, or the random
 * loop's generator, which is told each step's outcome so it can choose the next),
 * waits for the step's true time if it has one, and performs it.
 */
export function follow<Step extends object, Outcome>(
  plan: Iterator<Step, void, Outcome> | Iterable<Step>,
  perform: (step: Step) => Generator<Effect, Outcome, any>,
): Workflow {
  return new Following(Symbol.iterator in plan ? plan[Symbol.iterator]() : plan, perform);
}

/**
 * `follow` as a class rather than a generator that `yield*`s each step's workflow:
 * every effect of every step would pass through one more generator on its way to the
 * kernel and back, and a client's steps are most of what it does.
 */
class Following<Step extends object, Outcome> implements Workflow {
  /** The step being performed. */
  private current: Generator<Effect, Outcome, any> | undefined;
  /** A step whose true time had not come: performed when the kernel resumes this at that time. */
  private due: Step | undefined;
  private outcome: Outcome | undefined;

  constructor(
    private readonly steps: Iterator<Step, void, Outcome>,
    private readonly perform: (step: Step) => Generator<Effect, Outcome, any>,
  ) {}

  next(resumedWith?: unknown): IteratorResult<Effect, void> {
    if (this.due !== undefined) {
      this.current = this.perform(this.due);
      this.due = undefined;
    }
    for (;;) {
      if (this.current !== undefined) {
        const next = this.current.next(resumedWith);
        if (!next.done) return next;
        this.outcome = next.value;
        this.current = undefined;
      }
      const next = this.steps.next(this.outcome as Outcome);
      if (next.done) return { done: true, value: undefined };
      const step = next.value;
      const at = (step as { at?: Micros }).at; // a random loop's steps have none: each follows the previous one
      if (at !== undefined) {
        this.due = step;
        return { done: false, value: { kind: 'until', at } };
      }
      this.current = this.perform(step);
      resumedWith = undefined;
    }
  }

  return(): IteratorResult<Effect, void> {
    this.current = this.due = undefined;
    return { done: true, value: undefined };
  }

  throw(error: unknown): never {
    throw error;
  }

  [Symbol.iterator](): this {
    return this;
  }
}
