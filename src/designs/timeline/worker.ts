import { call, sleep, type Micros, type NodeModel } from '../../kernel/index.js';
import type { EvalCommand, PipelineMessage, PipelineReply, RedisCommand } from '../redis/server.js';
import { DUPLICATE, PUSH_SCRIPT, timelineKey, tombstoneKey, TOMBSTONED, type InsertMode } from './cache.js';
import type { FanOutJob, StoreReply, StoreRequest } from './store.js';

/** When a worker acks its job: after its last push (at-least-once), or on receipt (at-most-once: the unsafe variant). */
export type AckPoint = 'after-pushes' | 'before-pushes';

export interface WorkerOptions {
  store: string;
  cache: string;
  ack: AckPoint;
  insert: InsertMode;
  /** Whether a delete writes the tweet's tombstone before removing it from the timelines. */
  tombstone: boolean;
  /** Timelines changed per pipeline: Twitter's fan-out service wrote in batches (Krikorian, QCon 2012). */
  batch: number;
  /** Most tweets a timeline keeps (Twitter kept 800). */
  cap: number;
  /** How long to wait before polling an empty queue again. */
  pollEvery: Micros;
  /** Timeout of each call to the store or the cache. */
  timeout: Micros;
}

/**
 * A fan-out worker: takes a job from the queue, changes every timeline it lists
 * in pipelined batches, and acks. A call that times out abandons the job unacked:
 * the queue delivers it again after its visibility timeout, and the pushes made
 * already are harmless because a push of a tweet a timeline holds is ignored.
 */
export function fanOutWorker(options: WorkerOptions): NodeModel {
  return (ctx) => {
    const ack = (job: FanOutJob) => ctx.send(options.store, { op: 'ack', job: job.job } satisfies StoreRequest);

    /** Runs `commands` in batches; false if the cache did not answer one. */
    function* inBatches(job: FanOutJob, commands: RedisCommand[]) {
      for (let from = 0; from < commands.length; from += options.batch) {
        const batch = commands.slice(from, from + options.batch);
        const reply = yield* call<PipelineReply>(options.cache, { op: 'pipeline', commands: batch } satisfies PipelineMessage, options.timeout);
        if (!reply.ok) return false;
        for (const r of reply.body.replies) {
          if (!('value' in r)) continue;
          if (r.value === DUPLICATE) ctx.probe('duplicate push ignored');
          if (r.value === TOMBSTONED) ctx.probe('push of deleted tweet refused');
        }
        ctx.annotate(() => ({ job: `${job.kind} ${job.id}: ${Math.min(from + options.batch, commands.length)}/${commands.length}` }));
      }
      return true;
    }

    function* process(job: FanOutJob) {
      if (options.ack === 'before-pushes') ack(job);
      let done: boolean;
      if (job.kind === 'post') {
        const pushes = job.timelines.map(
          (user): EvalCommand => ({ op: 'eval', script: PUSH_SCRIPT[options.insert], keys: [timelineKey(user), tombstoneKey(job.id)], args: [job.id, options.cap], meta: { id: job.id, user } }),
        );
        done = yield* inBatches(job, pushes);
      } else {
        // The tombstone first: from then on no push (a late redelivery of the post) can add the tweet back.
        const removals = job.timelines.map((user): RedisCommand => ({ op: 'lrem', key: timelineKey(user), element: job.id }));
        done = yield* inBatches(job, options.tombstone ? [{ op: 'set', key: tombstoneKey(job.id), value: '1' }, ...removals] : removals);
      }
      if (done && options.ack === 'after-pushes') ack(job);
      if (!done) ctx.log(() => `abandoned job ${job.job} (${job.kind} ${job.id}): the queue will deliver it again`);
      ctx.annotate({ job: null });
    }

    ctx.spawn(
      (function* work() {
        for (;;) {
          const reply = yield* call<StoreReply>(options.store, { op: 'poll' } satisfies StoreRequest, options.timeout);
          if (reply.ok && reply.body.op === 'job' && reply.body.job) yield* process(reply.body.job);
          else yield* sleep(options.pollEvery);
        }
      })(),
    );
  };
}
