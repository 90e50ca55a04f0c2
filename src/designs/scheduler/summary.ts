import { formatDuration, type Fact, type Micros } from '../../kernel/index.js';
import type { FactData, UntypedFact } from '../../kernel/index.js';
import type { SchedulerFact } from './facts.js';
import { percentile } from '../stats.js';

export interface SchedulerNumbers {
  tasks: number;
  executions: number;
  /** Handler runs beyond the first and the recorded retries: what at-least-once allows, counted, not judged. */
  duplicateExecutions: number;
  /** Effects landed beyond the first per task. */
  duplicateEffects: number;
  /** Repeats the effect store recognised and skipped. */
  suppressed: number;
  /** First start minus schedule time, true time, per task that started. */
  lateStarts: Micros[];
  /** Tasks due by the cutoff given that were never COMPLETED or FAILED. */
  lost: number;
}

type Data<K extends SchedulerFact['kind']> = FactData<SchedulerFact, K>;

/** Folds a run's facts into its scheduler numbers. */
export class SchedulerTally {
  private readonly due = new Map<string, Micros>();
  private readonly starts = new Map<string, number>();
  private readonly firstStart = new Map<string, Micros>();
  private readonly retries = new Map<string, number>();
  private readonly effects = new Map<string, number>();
  private readonly ended = new Set<string>();
  private suppressed = 0;

  collect(fact: Fact<UntypedFact>): void {
    switch (fact.kind) {
      case 'task-created': {
        const d = fact.data as Data<'task-created'>;
        if (!this.due.has(d.task)) this.due.set(d.task, d.scheduleTime);
        return;
      }
      case 'attempt-started': {
        const d = fact.data as Data<'attempt-started'>;
        this.starts.set(d.task, (this.starts.get(d.task) ?? 0) + 1);
        if (!this.firstStart.has(d.task)) this.firstStart.set(d.task, fact.t);
        return;
      }
      case 'attempt-recorded': {
        const d = fact.data as Data<'attempt-recorded'>;
        if (d.outcome === 'retry') this.retries.set(d.task, (this.retries.get(d.task) ?? 0) + 1);
        else this.ended.add(d.task);
        return;
      }
      case 'effect-applied': {
        const d = fact.data as Data<'effect-applied'>;
        this.effects.set(d.task, (this.effects.get(d.task) ?? 0) + 1);
        return;
      }
      case 'effect-suppressed':
        this.suppressed++;
        return;
    }
  }

  /** `dueBy`: count as lost only tasks due by then (later ones may still be on their way when the run ends). */
  numbers(dueBy: Micros = Infinity): SchedulerNumbers {
    let executions = 0;
    let duplicateExecutions = 0;
    for (const [task, n] of this.starts) {
      executions += n;
      duplicateExecutions += Math.max(0, n - 1 - (this.retries.get(task) ?? 0));
    }
    let duplicateEffects = 0;
    for (const n of this.effects.values()) duplicateEffects += n - 1;
    const lateStarts = [...this.firstStart].map(([task, t]) => t - (this.due.get(task) ?? t));
    const lost = [...this.due].filter(([task, at]) => at <= dueBy && !this.ended.has(task)).length;
    return { tasks: this.due.size, executions, duplicateExecutions, duplicateEffects, suppressed: this.suppressed, lateStarts, lost };
  }
}


/** The run's one-line summary: executions, duplicates, how late tasks started, and tasks due by `dueBy` never ended. */
export function schedulerSummary(dueBy: Micros) {
  const tally = new SchedulerTally();
  return {
    collect: (fact: Fact) => tally.collect(fact),
    render(): string {
      const n = tally.numbers(dueBy);
      return (
        `${n.tasks} tasks, ${n.executions} executions (${n.duplicateExecutions} duplicate), ${n.duplicateEffects} duplicate effects, ` +
        `${n.suppressed} suppressed; late start p50 ${formatDuration(percentile(n.lateStarts, 50) ?? 0)}, p99 ${formatDuration(percentile(n.lateStarts, 99) ?? 0)}; ${n.lost} lost (due by ${formatDuration(dueBy)}, never ended)`
      );
    },
  };
}
