import { describe, expect, it } from 'vitest';
import { ConfigError, defineScenario, runScenario, seconds } from '../../src/kernel/index.js';
import { schedulerSystem, type SchedulerVariant } from '../../src/designs/scheduler/system.js';
import type { SubmitStep } from '../../src/designs/scheduler/client.js';

const corrected: SchedulerVariant = { worker: 'corrected', election: 'raft', promotion: 'corrected', effects: 'by-task' };
const scripted = (script: SubmitStep[], variant: SchedulerVariant = corrected) =>
  defineScenario({ description: 'scripted', expect: 'safe', ...schedulerSystem({ ...variant, script }) });

describe('the scheduler system', () => {
  it('runs a typed-in workload: each task ends, no earlier than its schedule, and the cron fires every interval', () => {
    const script: SubmitStep[] = [
      { client: 'client', at: 0, kind: 'cron', name: 'report', type: 'send_report', first: seconds(2), every: seconds(5) },
      { client: 'client', at: seconds(1), kind: 'task', id: 'welcome', type: 'send_email', delay: seconds(3), maxRetries: 0 },
    ];
    const run = runScenario(scripted(script), 1, { trace: true });
    expect(run.violation).toBeUndefined();
    const created = run.trace!.filter((e) => e.kind === 'fact' && e.fact === 'task-created').map((e) => (e as { data: { task: string } }).data.task);
    expect(created).toContain('welcome');
    expect(created.filter((t) => t.startsWith('report#')).length).toBeGreaterThanOrEqual(9);
  });

  it('submits a step without a time as soon as the previous one is stored, as every client follows a script', () => {
    const script: SubmitStep[] = [
      { client: 'client', at: seconds(1), kind: 'task', id: 'first', type: 'send_email', delay: seconds(1) },
      { client: 'client', kind: 'task', id: 'second', type: 'send_email', delay: seconds(1) },
    ];
    const created = runScenario(scripted(script), 1, { trace: true }).trace!.filter((e) => e.kind === 'fact' && e.fact === 'task-created');
    const [first, second] = ['first', 'second'].map((task) => created.find((e) => (e as { data: { task: string } }).data.task === task)!.t);
    expect(first).toBeGreaterThan(seconds(1));
    // The second is sent when the store's answer to the first arrives: after it, within a round trip.
    expect(second).toBeGreaterThan(first!);
    expect(second! - first!).toBeLessThan(seconds(0.1));
  });

  it('refuses a script that submits after the run, twice under one name, or from a client that does not exist, in one line', () => {
    expect(() => runScenario(scripted([{ client: 'client', at: seconds(500), kind: 'task', id: 'late', type: 'send_email', delay: 0 }]), 1)).toThrow(ConfigError);
    expect(() => runScenario(scripted([{ client: 'client', at: seconds(500), kind: 'task', id: 'late', type: 'send_email', delay: 0 }]), 1)).toThrow(/scheduler script, step 1: "at" must be a true time within the run \(0 to 55000000 µs\)/);
    expect(() => runScenario(scripted([{ client: 'submitter', at: 0, kind: 'task', id: 'a', type: 'send_email', delay: 0 }]), 1)).toThrow("scheduler script, step 1: no client 'submitter' (clients: client)");
    const twice: SubmitStep[] = [
      { client: 'client', at: 0, kind: 'task', id: 'a', type: 'send_email', delay: 0 },
      { client: 'client', at: 1, kind: 'task', id: 'a', type: 'send_email', delay: 0 },
    ];
    expect(() => runScenario(scripted(twice), 1)).toThrow(/scheduler script, step 2: 'a' is submitted twice/);
  });

  it('the seed worker with a plain sender sends one e-mail twice when its handler outlasts the visibility timeout (no faults needed)', () => {
    const script: SubmitStep[] = [{ client: 'client', at: seconds(1), kind: 'task', id: 'welcome', type: 'send_email', delay: 0, maxRetries: 0 }];
    const scenario = defineScenario({
      description: 'seed worker, slow handler',
      expect: { violates: 'effect-once' },
      ...schedulerSystem({ worker: 'seed', election: 'raft', promotion: 'corrected', effects: 'every', script, handler: { slowRate: 1, slow: [seconds(4), seconds(4)], retryableRate: 0, fatalRate: 0 } }),
    });
    const run = runScenario(scenario, 1);
    expect(run.violation?.property).toBe('effect-once');
    expect(run.violation?.message).toMatch(/effect of welcome landed twice/);
  });
});
