import { formatDuration, formatTime, type KernelFact, type Micros, type Property } from '../../kernel/index.js';
import type { SchedulerFact } from './facts.js';

type SchedulerProperty = Property<SchedulerFact | KernelFact>;

/**
 * At-least-once (liveness): once the faults have healed, every task due by then
 * (and every task due later in the run) ends, COMPLETED or FAILED as recorded by the
 * store, within `bound` of the later of its due time and the heal. Judged at the end
 * of the run, only if the run went on `bound` past the heal. `scope`: judge only the
 * facts of nodes whose names start with it (one system of several in a world).
 */
export function atLeastOnce(bound: Micros, scope = ''): SchedulerProperty {
  const due = new Map<string, Micros>();
  const ended = new Map<string, Micros>();
  return {
    name: 'at-least-once',
    watches: ['task-created', 'attempt-recorded'],
    observe(fact) {
      if (!fact.node.startsWith(scope)) return undefined;
      if (fact.kind === 'task-created') due.set(fact.data.task, fact.data.scheduleTime);
      if (fact.kind === 'attempt-recorded' && fact.data.outcome !== 'retry' && !ended.has(fact.data.task)) ended.set(fact.data.task, fact.t);
      return undefined;
    },
    finish(end) {
      if (end.t - end.faultsOverAt < bound) return undefined;
      for (const [task, at] of due) {
        const deadline = Math.max(at, end.faultsOverAt) + bound;
        if (deadline > end.t) continue;
        const done = ended.get(task);
        if (done === undefined || done > deadline) {
          return {
            message: `${task}, due at ${formatTime(at)}, ${done === undefined ? 'never completed or failed' : `ended only at ${formatTime(done)}`}: it should have ended by ${formatTime(deadline)} (${formatDuration(bound)} after the later of its due time and the last fault's end)`,
            nodes: [],
            at: deadline,
          };
        }
      }
      return undefined;
    },
  };
}

/**
 * Not early: no handler starts on a task before the task's schedule time (the time
 * it was submitted for, or its cron occurrence's time) in true time, less
 * `tolerance`. Retries are not judged against their backoff: a retry that comes
 * sooner than the backoff asked is a late duplicate, counted in the summary.
 */
export function notEarly(tolerance: Micros): SchedulerProperty {
  const due = new Map<string, Micros>();
  return {
    name: 'not-early',
    watches: ['task-created', 'attempt-started'],
    observe(fact) {
      if (fact.kind === 'task-created') due.set(fact.data.task, fact.data.scheduleTime);
      if (fact.kind !== 'attempt-started') return undefined;
      const at = due.get(fact.data.task);
      if (at === undefined || fact.t >= at - tolerance) return undefined;
      return {
        message: `${fact.data.worker} started ${fact.data.task} (attempt ${fact.data.attempt}) at ${formatTime(fact.t)}, ${formatDuration(at - fact.t)} before its schedule time ${formatTime(at)}; tolerance ${formatDuration(tolerance)}`,
        nodes: [fact.node],
      };
    },
  };
}

/**
 * Effect-once: no task's effect lands twice in the external system (a recognised
 * repeat that was skipped is fine). `scope` as for `atLeastOnce`.
 */
export function effectOnce(scope = ''): SchedulerProperty {
  const applied = new Map<string, { t: Micros; attempt: string }>();
  return {
    name: 'effect-once',
    watches: ['effect-applied'],
    observe(fact) {
      if (fact.kind !== 'effect-applied' || !fact.node.startsWith(scope)) return undefined;
      const before = applied.get(fact.data.task);
      if (before === undefined) {
        applied.set(fact.data.task, { t: fact.t, attempt: fact.data.attempt });
        return undefined;
      }
      return {
        message: `the effect of ${fact.data.task} landed twice: attempt ${before.attempt} at ${formatTime(before.t)} and attempt ${fact.data.attempt} at ${formatTime(fact.t)}`,
        nodes: [fact.node, before.attempt.split('.')[0]!, fact.data.attempt.split('.')[0]!],
      };
    },
  };
}

/**
 * Retries bounded: the store records at most max_retries + 1 failed attempts of a
 * task (max_retries retries, then FAILED). An attempt whose outcome a fault made
 * unknown (its worker crashed, its update never landed) is never recorded, so it
 * does not count.
 */
export function retriesBounded(): SchedulerProperty {
  const maxRetries = new Map<string, number>();
  const failures = new Map<string, string[]>();
  return {
    name: 'retries-bounded',
    watches: ['task-created', 'attempt-recorded'],
    observe(fact) {
      if (fact.kind === 'task-created') maxRetries.set(fact.data.task, fact.data.maxRetries);
      if (fact.kind !== 'attempt-recorded' || fact.data.outcome === 'completed') return undefined;
      const list = failures.get(fact.data.task) ?? [];
      list.push(`${fact.data.worker} at ${formatTime(fact.t)}`);
      failures.set(fact.data.task, list);
      const limit = (maxRetries.get(fact.data.task) ?? 0) + 1;
      if (list.length <= limit) return undefined;
      return {
        message: `${fact.data.task} failed ${list.length} times with max_retries ${limit - 1} (at most ${limit} attempts): ${list.join('; ')}; its retry_count now reads ${fact.data.retryCount}`,
        nodes: [fact.node],
      };
    },
  };
}

/**
 * Cron: each occurrence of a recurring task is created exactly once. Doubles are
 * judged as they happen; skips at the end (every occurrence due `bound` before the
 * end must exist, if the run went on `bound` past the last fault).
 */
export function cronExact(crons: ReadonlyArray<{ name: string; first: Micros; every: Micros }>, bound: Micros): SchedulerProperty {
  const created = new Map<string, string>();
  return {
    name: 'cron-exact',
    watches: ['task-created'],
    observe(fact) {
      if (fact.kind !== 'task-created' || fact.data.cron === null) return undefined;
      const key = `${fact.data.cron} occurrence ${fact.data.occurrence} (due ${formatTime(fact.data.scheduleTime)})`;
      const first = created.get(key);
      if (first === undefined) {
        created.set(key, fact.data.task);
        return undefined;
      }
      return { message: `${key} was created twice, as ${first} and as ${fact.data.task}: the occurrence is doubled`, nodes: [fact.node] };
    },
    finish(end) {
      if (end.t - end.faultsOverAt < bound) return undefined;
      for (const cron of crons) {
        for (let k = 0; cron.first + k * cron.every <= end.t - bound; k++) {
          const key = `${cron.name} occurrence ${k} (due ${formatTime(cron.first + k * cron.every)})`;
          if (!created.has(key)) return { message: `${key} was never created: the occurrence was skipped`, nodes: [], at: cron.first + k * cron.every + bound };
        }
      }
      return undefined;
    },
  };
}
