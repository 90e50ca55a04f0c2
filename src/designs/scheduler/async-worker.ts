import type { AsyncContext, NodeModel } from '../../kernel/index.js';
import type { RedisReply } from '../redis/server.js';
import type { EffectReply, EffectRequest } from './effects.js';
import { schedulerFact } from './facts.js';
import { isPulled } from './store.js';
import { backoff, taskFromHash, TIMINGS, type TaskRecord } from './task.js';
import { checkHandler, drawAttempt, value, type HandlerOutcome, type WorkerOptions } from './worker.js';

/**
 * The seed worker of worker.ts (`seedProcessTask` and its loop), written with
 * async/await as designs.txt writes `TaskWorker.process_task`: the same steps in the
 * same order, each `yield* call(…)` an `await ctx.call(…)`, each `yield* sleep(…)` an
 * `await ctx.sleep(…)`. The kernel resumes each await at the virtual time its reply,
 * timeout or wake-up comes, so a run gives the trace the generator worker gives
 * (test/scheduler/async-worker.test.ts). An example of the async style for users'
 * own clients; the scenarios keep the generator worker.
 */

/** One call to a store script; `undefined` when no answer came in time (the seed's `await` raising). */
async function evalOn(ctx: AsyncContext, options: WorkerOptions, script: string, args: Array<string | number>): Promise<RedisReply | undefined> {
  const reply = await ctx.call<RedisReply>(options.store, { op: 'eval', script, keys: [], args, meta: { worker: ctx.id } }, options.timeout);
  return reply.ok ? reply.body : undefined;
}

/** The handler: runs for its drawn duration, then (if it did not raise) sends its e-mail. */
async function handle(ctx: AsyncContext, options: WorkerOptions, task: TaskRecord, attempt: string): Promise<HandlerOutcome> {
  const draw = drawAttempt(ctx, options.handler);
  schedulerFact(ctx, 'attempt-started', { task: task.id, worker: ctx.id, attempt, token: null });
  await ctx.sleep(draw.duration);
  if (draw.outcome !== 'ok') return draw.outcome;
  const sent = await ctx.call<EffectReply>(options.effects, { op: 'send', task: task.id, attempt, token: null } satisfies EffectRequest, options.timeout);
  return sent.ok ? 'ok' : 'retryable';
}

/** designs.txt Problem 4, `TaskWorker.process_task`, as written (see `seedProcessTask`). */
async function processTask(ctx: AsyncContext, options: WorkerOptions, task: TaskRecord, attempt: string): Promise<void> {
  const store = (script: string, args: Array<string | number>) => evalOn(ctx, options, script, args);
  // await self.queue.set_visibility_timeout(task.id, seconds=300)
  const visible = await store('set-visibility', [task.id, TIMINGS.visibility]);
  if (visible === undefined) return;
  if (value(visible) === 0) ctx.probe('visibility set after the task was visible again');
  const failed = async () => {
    // except Exception: update_task(FAILED); ack
    if ((await store('update-task', [task.id, 'FAILED', '', '', ''])) === undefined) return;
    await store('ack', [task.id]);
  };
  const outcome = await handle(ctx, options, task, attempt);
  if (outcome === 'ok') {
    if ((await store('update-task', [task.id, 'COMPLETED', '', '', ''])) === undefined) return failed();
    if ((await store('ack', [task.id])) === undefined) return failed();
    return;
  }
  if (outcome === 'retryable') {
    if (task.retry_count < task.max_retries) {
      const delay = backoff(task.retry_count);
      const nextRun = ctx.now() + delay;
      if ((await store('update-task', [task.id, 'PENDING', nextRun, task.retry_count + 1, delay])) === undefined) return;
      await store('nack', [task.id]);
      return;
    }
    if ((await store('update-task', [task.id, 'FAILED', '', '', ''])) === undefined) return;
    await store('ack', [task.id]);
    return;
  }
  await failed();
}

/** The seed worker: pulls, processes, pulls again; idle, it pulls every poll interval. */
export function asyncSeedWorker(options: WorkerOptions): NodeModel {
  checkHandler(options.handler);
  return (node) => {
    const generation = (node.disk.get<number>('generation') ?? 0) + 1;
    node.disk.set('generation', generation);
    let attempts = 0;
    node.spawn(async (ctx) => {
      for (;;) {
        const pulled = value(await evalOn(ctx, options, 'pull', [TIMINGS.defaultVisibility, 0]));
        if (!isPulled(pulled)) {
          await ctx.sleep(TIMINGS.poll);
          continue;
        }
        const task = taskFromHash(pulled);
        const attempt = `${ctx.id}.${generation}.${++attempts}`;
        ctx.annotate({ task: task.id });
        await processTask(ctx, options, task, attempt);
        ctx.annotate({ task: null });
      }
    });
  };
}
