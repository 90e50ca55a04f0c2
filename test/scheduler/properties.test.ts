import { describe, expect, it } from 'vitest';
import { ms, seconds, type Fact, type KernelFact, type Micros, type Property, type RunEnd } from '../../src/kernel/index.js';
import type { SchedulerFact } from '../../src/designs/scheduler/facts.js';
import { atLeastOnce, cronExact, effectOnce, notEarly, retriesBounded } from '../../src/designs/scheduler/properties.js';

type F = SchedulerFact | KernelFact;
type Step = { t: Micros; node?: string } & SchedulerFact;

/** Feeds a hand-built history to a property; returns the first breach's message, or undefined. */
function judge(property: Property<F>, history: Step[], end?: RunEnd): string | undefined {
  for (const { t, node, ...fact } of history) {
    const breach = property.observe?.({ ...fact, t, node: node ?? 'store' } as Fact<F>);
    if (breach) return breach.message;
  }
  return end ? property.finish?.(end)?.message : undefined;
}

const created = (t: Micros, task: string, scheduleTime: Micros, extra: Partial<{ cron: string; occurrence: number; maxRetries: number }> = {}): Step => ({
  t, kind: 'task-created', data: { task, scheduleTime, maxRetries: extra.maxRetries ?? 3, cron: extra.cron ?? null, occurrence: extra.occurrence ?? null },
});
const started = (t: Micros, task: string, worker = 'worker-1'): Step => ({ t, node: worker, kind: 'attempt-started', data: { task, worker, attempt: `${worker}.1.1`, token: null } });
const recorded = (t: Micros, task: string, outcome: 'completed' | 'retry' | 'failed', retryCount = 0): Step => ({
  t, kind: 'attempt-recorded', data: { task, outcome, retryCount, worker: 'worker-1', backoff: outcome === 'retry' ? ms(600) : null },
});
const effect = (t: Micros, task: string, attempt: string): Step => ({ t, node: 'mailer', kind: 'effect-applied', data: { task, attempt, token: null } });

describe('scheduler properties', () => {
  const bound = seconds(30);
  it('at-least-once: a task due before the heal must end within the bound after it', () => {
    const history = [created(0, 't1', seconds(1)), created(0, 't2', seconds(2)), recorded(seconds(20), 't1', 'completed'), recorded(seconds(25), 't2', 'failed')];
    expect(judge(atLeastOnce(bound), history, { t: seconds(60), faultsOverAt: seconds(10) })).toBeUndefined();
    expect(judge(atLeastOnce(bound), history.slice(0, 3), { t: seconds(60), faultsOverAt: seconds(10) })).toMatch(/t2, due at .* never completed or failed/);
    expect(judge(atLeastOnce(bound), [created(0, 't1', seconds(1)), recorded(seconds(45), 't1', 'completed')], { t: seconds(60), faultsOverAt: seconds(10) })).toMatch(/ended only at 45/);
    // A retry is not an end; and a run that stopped too soon after the heal is not judged.
    expect(judge(atLeastOnce(bound), [created(0, 't1', seconds(1)), recorded(seconds(5), 't1', 'retry')], { t: seconds(60), faultsOverAt: seconds(10) })).toMatch(/never completed/);
    expect(judge(atLeastOnce(bound), [created(0, 't1', seconds(1))], { t: seconds(35), faultsOverAt: seconds(10) })).toBeUndefined();
  });

  it('not-early: no attempt starts before the schedule time, less the tolerance', () => {
    expect(judge(notEarly(ms(50)), [created(0, 't1', seconds(5)), started(seconds(4.96), 't1')])).toBeUndefined();
    expect(judge(notEarly(ms(50)), [created(0, 't1', seconds(5)), started(seconds(4.9), 't1')])).toMatch(/started t1 .* 100ms before its schedule time/);
  });

  it('effect-once: a second effect of one task is a breach, whoever applied it', () => {
    expect(judge(effectOnce(), [effect(seconds(1), 't1', 'worker-1.1.1'), effect(seconds(1), 't2', 'worker-2.1.1')])).toBeUndefined();
    expect(judge(effectOnce(), [effect(seconds(1), 't1', 'worker-1.1.1'), effect(seconds(5), 't1', 'worker-2.1.4')])).toMatch(/effect of t1 landed twice: attempt worker-1.1.1 .* and attempt worker-2.1.4/);
  });

  it('retries-bounded: at most max_retries + 1 recorded failures; completions do not count', () => {
    const failures = (n: number) => Array.from({ length: n }, (_, i) => recorded(seconds(i + 1), 't1', i < 3 ? 'retry' : 'failed', Math.min(i + 1, 3)));
    expect(judge(retriesBounded(), [created(0, 't1', 0), ...failures(4), recorded(seconds(9), 't1', 'completed')])).toBeUndefined();
    expect(judge(retriesBounded(), [created(0, 't1', 0), ...failures(5)])).toMatch(/t1 failed 5 times with max_retries 3/);
  });

  it('cron-exact: an occurrence created twice is doubled; one never created by the end is skipped', () => {
    const crons = [{ name: 'report', first: seconds(1), every: seconds(2) }];
    const occurrences = (n: number) => Array.from({ length: n }, (_, k) => created(seconds(k), `report#${k}`, seconds(1 + 2 * k), { cron: 'report', occurrence: k }));
    const end = { t: seconds(40), faultsOverAt: seconds(5) };
    expect(judge(cronExact(crons, seconds(30)), occurrences(5), end)).toBeUndefined();
    expect(judge(cronExact(crons, seconds(30)), [...occurrences(2), created(seconds(3), 'report-x', seconds(3), { cron: 'report', occurrence: 1 })], end)).toMatch(/occurrence 1 .* created twice, as report#1 and as report-x/);
    expect(judge(cronExact(crons, seconds(30)), [occurrences(5)[0]!, ...occurrences(5).slice(2)], end)).toMatch(/occurrence 1 .* never created: the occurrence was skipped/);
  });
});
