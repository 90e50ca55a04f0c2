import { describe, expect, it } from 'vitest';
import { ms, Random, seconds, type Effect, type Micros, type NodeContext } from '../../src/kernel/index.js';
import { seedProcessTask, type HandlerProfile, type WorkerOptions } from '../../src/designs/scheduler/worker.js';
import type { TaskRecord } from '../../src/designs/scheduler/task.js';

/**
 * Drives the seed worker's generator by hand and lists what it asked for, in order:
 * the steps of designs.txt Problem 4's `TaskWorker.process_task`. `lost` names store
 * scripts whose answer never comes (the seed's `await` raising).
 */
function stepsOf(outcome: 'ok' | 'retryable' | 'fatal', task: Partial<TaskRecord> = {}, lost: string[] = []): string[] {
  const handler: HandlerProfile = { duration: [ms(100), ms(100)], slowRate: 0, slow: [0, 0], retryableRate: outcome === 'retryable' ? 1 : 0, fatalRate: outcome === 'fatal' ? 1 : 0 };
  const options: WorkerOptions = { variant: 'seed', store: 'store', effects: 'mailer', handler, timeout: ms(200) };
  let now: Micros = seconds(100);
  const steps: string[] = [];
  const ctx = { id: 'worker-1', now: () => now, random: new Random('test'), probe() {}, fact(kind: string) { steps.push(`fact ${kind}`); } } as unknown as NodeContext;
  const record: TaskRecord = { id: 't1', type: 'send_email', payload: '{}', schedule_time: 0, status: 'PENDING', retry_count: 0, max_retries: 3, created_at: 0, claim: '', ...task };
  const run = seedProcessTask(ctx, options, record, 'worker-1.1.1');
  let next = run.next();
  while (!next.done) {
    const effect = next.value as Exclude<Effect, { kind: 'until' }>; // the seed worker follows no script
    if (effect.kind === 'sleep') {
      now += effect.duration;
      steps.push(`sleep ${effect.duration}`);
      next = run.next();
      continue;
    }
    const body = effect.requests[0]!.body as { op: string; script?: string; args?: unknown[] };
    const name = body.op === 'eval' ? body.script! : body.op;
    steps.push(body.op === 'eval' ? `${name} ${JSON.stringify(body.args)}` : name);
    next = run.next([lost.includes(name) ? { ok: false, from: 'store' } : { ok: true, from: 'store', body: { op: body.op, value: 1, applied: true } }]);
  }
  return steps;
}

describe("the seed worker follows process_task's step order", () => {
  it('success: set the visibility timeout, run the handler, update_task(COMPLETED), then ack, as two steps', () => {
    expect(stepsOf('ok')).toEqual(['set-visibility ["t1",3000000]', 'fact attempt-started', 'sleep 100000', 'send', 'update-task ["t1","COMPLETED","","",""]', 'ack ["t1"]']);
  });

  it("RetryableError: PENDING with schedule_time = the worker's own now + 2^retry_count × base and retry_count + 1 from its snapshot, then nack", () => {
    const steps = stepsOf('retryable', { retry_count: 2 });
    // The worker's clock read after the 100 ms handler: 100.1 s; backoff 2² × 0.6 s = 2.4 s.
    expect(steps.slice(3)).toEqual([`update-task ["t1","PENDING",${seconds(100.1) + seconds(2.4)},3,${seconds(2.4)}]`, 'nack ["t1"]']);
  });

  it('RetryableError with the retries spent: FAILED, then ack', () => {
    expect(stepsOf('retryable', { retry_count: 3 }).slice(3)).toEqual(['update-task ["t1","FAILED","","",""]', 'ack ["t1"]']);
  });

  it('any other error: FAILED, then ack', () => {
    expect(stepsOf('fatal').slice(3)).toEqual(['update-task ["t1","FAILED","","",""]', 'ack ["t1"]']);
  });

  it('an update_task(COMPLETED) that raises lands in `except Exception`: FAILED, then ack', () => {
    expect(stepsOf('ok', {}, ['update-task']).slice(4)).toEqual(['update-task ["t1","COMPLETED","","",""]', 'update-task ["t1","FAILED","","",""]']);
  });

  it('set_visibility_timeout raising (it is outside the try) ends the attempt before the handler runs', () => {
    expect(stepsOf('ok', {}, ['set-visibility'])).toEqual(['set-visibility ["t1",3000000]']);
  });
});
