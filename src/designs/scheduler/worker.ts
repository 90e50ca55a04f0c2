import { call, ConfigError, sleep, type Micros, type NodeContext, type NodeModel, type Reply, type Workflow } from '../../kernel/index.js';
import type { RedisReply } from '../redis/server.js';
import type { EffectReply, EffectRequest } from './effects.js';
import { schedulerFact } from './facts.js';
import { isPulled } from './store.js';
import { backoff, taskFromHash, TIMINGS, type TaskRecord } from './task.js';

/** What a handler does on one attempt, drawn per attempt from the worker's random stream. */
export interface HandlerProfile {
  /** Ordinary handler durations. */
  duration: [Micros, Micros];
  /** Share of attempts that are slow, and how slow: the ones that can outlast a visibility timeout. */
  slowRate: number;
  slow: [Micros, Micros];
  /** Share of attempts that raise a RetryableError, and a non-retryable one (both before the effect). */
  retryableRate: number;
  fatalRate: number;
}

/**
 * `seed`: `process_task` as written. `corrected`: claim at the pull, claim tokens, heartbeats.
 * `ack-early`: the seed's steps with the ack moved to the start (see `ackEarlyProcessTask`).
 */
export type WorkerVariant = 'seed' | 'corrected' | 'ack-early';

export interface WorkerOptions {
  variant: WorkerVariant;
  store: string;
  effects: string;
  handler: HandlerProfile;
  /** How long a call to the store or the effect store waits for its answer. */
  timeout: Micros;
}

export type HandlerOutcome = 'ok' | 'retryable' | 'fatal';

export function checkHandler(profile: HandlerProfile): void {
  if (profile.retryableRate + profile.fatalRate > 1) throw new ConfigError('worker: retryableRate + fatalRate must not exceed 1');
}

/** One attempt's draw: how long the handler runs and how it ends. */
export function drawAttempt(ctx: NodeContext, profile: HandlerProfile): { duration: Micros; outcome: HandlerOutcome } {
  const slow = ctx.random.chance(profile.slowRate);
  const duration = ctx.random.int(...(slow ? profile.slow : profile.duration));
  const roll = ctx.random.float();
  const outcome = roll < profile.fatalRate ? 'fatal' : roll < profile.fatalRate + profile.retryableRate ? 'retryable' : 'ok';
  return { duration, outcome };
}

/** One call to a store script; `undefined` when no answer came in time (the seed's `await` raising). */
export function* evalOn(store: string, script: string, args: Array<string | number>, meta: Record<string, unknown>, timeout: Micros): Generator<any, RedisReply | undefined, any> {
  const reply: Reply<RedisReply> = yield* call<RedisReply>(store, { op: 'eval', script, keys: [], args, meta }, timeout);
  return reply.ok ? reply.body : undefined;
}

/** The value a store script answered, if it answered. */
export const value = (reply: RedisReply | undefined) => (reply && 'value' in reply ? reply.value : undefined);

/**
 * The handler: runs for its drawn duration, then (if it did not raise) sends its
 * e-mail, which carries the attempt and its claim token. An e-mail whose answer is
 * lost is a RetryableError to the worker, though it may have been sent.
 */
function* handle(ctx: NodeContext, options: WorkerOptions, task: TaskRecord, attempt: string, token: number | null): Generator<any, HandlerOutcome, any> {
  const draw = drawAttempt(ctx, options.handler);
  schedulerFact(ctx, 'attempt-started', { task: task.id, worker: ctx.id, attempt, token });
  yield* sleep(draw.duration);
  if (draw.outcome !== 'ok') return draw.outcome;
  const sent = yield* call<EffectReply>(options.effects, { op: 'send', task: task.id, attempt, token } satisfies EffectRequest, options.timeout);
  return sent.ok ? 'ok' : 'retryable';
}

/**
 * designs.txt Problem 4, `TaskWorker.process_task`, step for step as written: the
 * visibility timeout set only after the pull (until it lands, the task has the
 * queue's default timeout); the handler; `update_task(COMPLETED)` and `ack` as two
 * steps; the backoff from the worker's own clock (`datetime.now()`); the retry count
 * from the snapshot the worker pulled. A store call that gets no answer raises, as
 * the seed's `await` would: inside the `try` it lands in `except Exception`.
 */
export function* seedProcessTask(ctx: NodeContext, options: WorkerOptions, task: TaskRecord, attempt: string): Generator<any, void, any> {
  const meta = { worker: ctx.id };
  const store = (script: string, args: Array<string | number>) => evalOn(options.store, script, args, meta, options.timeout);
  // await self.queue.set_visibility_timeout(task.id, seconds=300)
  const visible = yield* store('set-visibility', [task.id, TIMINGS.visibility]);
  if (visible === undefined) return;
  if (value(visible) === 0) ctx.probe('visibility set after the task was visible again');
  const failed = function* (): Generator<any, void, any> {
    // except Exception: update_task(FAILED); ack
    if ((yield* store('update-task', [task.id, 'FAILED', '', '', ''])) === undefined) return;
    yield* store('ack', [task.id]);
  };
  const outcome = yield* handle(ctx, options, task, attempt, null);
  if (outcome === 'ok') {
    if ((yield* store('update-task', [task.id, 'COMPLETED', '', '', ''])) === undefined) return yield* failed();
    if ((yield* store('ack', [task.id])) === undefined) return yield* failed();
    return;
  }
  if (outcome === 'retryable') {
    if (task.retry_count < task.max_retries) {
      const delay = backoff(task.retry_count);
      const nextRun = ctx.now() + delay;
      if ((yield* store('update-task', [task.id, 'PENDING', nextRun, task.retry_count + 1, delay])) === undefined) return;
      yield* store('nack', [task.id]);
      return;
    }
    if ((yield* store('update-task', [task.id, 'FAILED', '', '', ''])) === undefined) return;
    yield* store('ack', [task.id]);
    return;
  }
  yield* failed();
}

/**
 * The seed's steps with the ack moved before the handler: the task leaves the queue
 * as soon as it is received, and its outcome is recorded after the handler. This is
 * Celery's default, "early acknowledgment" (its glossary: the task is acknowledged
 * just before it runs, so it is not redelivered if the worker is killed mid-execution;
 * `task_acks_late` turns it off). Nothing here duplicates an attempt, but a crash
 * between the ack and the record leaves the task neither done nor queued, for ever.
 */
export function* ackEarlyProcessTask(ctx: NodeContext, options: WorkerOptions, task: TaskRecord, attempt: string): Generator<any, void, any> {
  const store = (script: string, args: Array<string | number>) => evalOn(options.store, script, args, { worker: ctx.id }, options.timeout);
  if ((yield* store('ack', [task.id])) === undefined) return;
  const outcome = yield* handle(ctx, options, task, attempt, null);
  if (outcome === 'retryable' && task.retry_count < task.max_retries) {
    const delay = backoff(task.retry_count);
    if ((yield* store('update-task', [task.id, 'PENDING', ctx.now() + delay, task.retry_count + 1, delay])) === undefined) return;
    yield* store('nack', [task.id]);
    return;
  }
  yield* store('update-task', [task.id, outcome === 'ok' ? 'COMPLETED' : 'FAILED', '', '', '']);
}

/**
 * The corrected attempt: the task was claimed at the pull (visibility set and a
 * fresh claim token in the same step); heartbeats extend the visibility while the
 * handler runs; the effect carries the token; completion (COMPLETED + ack) and
 * failure (retry count incremented in place, backoff on the store's clock) are one
 * step each, and only for the claim that is still current.
 */
export function* correctedProcessTask(ctx: NodeContext, options: WorkerOptions, task: TaskRecord, attempt: string, token: number): Generator<any, void, any> {
  const meta = { worker: ctx.id };
  const store = (script: string, args: Array<string | number>) => evalOn(options.store, script, args, meta, options.timeout);
  let running = true;
  ctx.spawn(
    (function* heartbeats(): Workflow {
      for (;;) {
        yield* sleep(TIMINGS.visibility / 3);
        if (!running) return;
        const extended = yield* store('extend', [task.id, token, TIMINGS.visibility]);
        if (!running) return;
        if (value(extended) === 0) {
          ctx.probe('visibility expired while the handler ran');
          return;
        }
      }
    })(),
  );
  const outcome = yield* handle(ctx, options, task, attempt, token);
  running = false;
  const script = outcome === 'ok' ? 'complete' : 'fail';
  const args = outcome === 'ok' ? [task.id, token] : [task.id, token, outcome === 'retryable' ? 1 : 0];
  // A lost answer is asked again: a repeat of a step that landed finds the claim gone and changes nothing.
  for (let tries = 0; tries < 3; tries++) {
    const reply = yield* store(script, args);
    if (reply === undefined) continue;
    if (value(reply) === 0) ctx.probe(outcome === 'ok' ? 'ack after expiry refused' : 'failure after expiry refused');
    return;
  }
}

/**
 * A worker: pulls, processes, pulls again; idle, it pulls every poll interval.
 * Attempt names survive restarts (a generation on disk), so each is unique in a run.
 */
export function worker(options: WorkerOptions): NodeModel {
  checkHandler(options.handler);
  return (ctx) => {
    const generation = (ctx.disk.get<number>('generation') ?? 0) + 1;
    ctx.disk.set('generation', generation);
    let attempts = 0;
    ctx.spawn(
      (function* loop(): Workflow {
        for (;;) {
          const claim = options.variant === 'corrected' ? 1 : 0;
          const pulled = value(yield* evalOn(options.store, 'pull', [options.variant === 'corrected' ? TIMINGS.visibility : TIMINGS.defaultVisibility, claim], { worker: ctx.id }, options.timeout));
          if (!isPulled(pulled)) {
            yield* sleep(TIMINGS.poll);
            continue;
          }
          const task = taskFromHash(pulled);
          const attempt = `${ctx.id}.${generation}.${++attempts}`;
          ctx.annotate({ task: task.id });
          if (options.variant === 'corrected') yield* correctedProcessTask(ctx, options, task, attempt, Number(pulled.token));
          else if (options.variant === 'ack-early') yield* ackEarlyProcessTask(ctx, options, task, attempt);
          else yield* seedProcessTask(ctx, options, task, attempt);
          ctx.annotate({ task: null });
        }
      })(),
    );
  };
}
