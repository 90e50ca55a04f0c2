import { factEmitter, type Micros } from '../../kernel/index.js';

/** How the store recorded the end of an attempt: the task's new status. */
export type RecordedOutcome = 'completed' | 'retry' | 'failed';

/**
 * The facts of the task scheduler, stamped with true time. The store's are what the
 * system of record committed; the workers' are when a handler really started; the
 * effect store's are the truth about side effects (the e-mails really sent).
 */
export type SchedulerFact =
  // The store (store.ts): a task record is created (by a submitter, or by a leader for a cron occurrence).
  | { kind: 'task-created'; data: { task: string; scheduleTime: Micros; maxRetries: number; cron: string | null; occurrence: number | null } }
  // The store: a task moved from the delay queue to the ready queue, by `by`.
  | { kind: 'task-ready'; data: { task: string; by: string } }
  // The store: the end of an attempt recorded on the task (`backoff`: the delay the worker intended before the retry).
  | { kind: 'attempt-recorded'; data: { task: string; outcome: RecordedOutcome; retryCount: number; worker: string; backoff: Micros | null } }
  // A worker (worker.ts): a handler starts on a task it pulled; `token` is the claim token (corrected worker only).
  | { kind: 'attempt-started'; data: { task: string; worker: string; attempt: string; token: number | null } }
  // The effect store (effects.ts): a task's effect landed, or was recognised as a repeat and skipped.
  | { kind: 'effect-applied'; data: { task: string; attempt: string; token: number | null } }
  | { kind: 'effect-suppressed'; data: { task: string; attempt: string; token: number | null; reason: 'duplicate' | 'stale-claim' } };

export const schedulerFact = factEmitter<SchedulerFact>();
