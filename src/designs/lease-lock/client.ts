import { call, ConfigError, follow, sleep, type Effect, type Micros, type NodeModel } from '../../kernel/index.js';
import { checkWorkTime, enter, leaseHolderLoop, leave, planOf, writeToStorage, type LockClientOptions, type LockOp, type LockScript } from '../locking/client.js';
import type { LeaseReply } from './server.js';

export interface LeaseClientOptions extends LockClientOptions {
  lockServer: string;
  /**
   * The textbook renews every 10 s on a 30 s lease: a third of the TTL. `never`: the
   * client does not renew (Kleppmann's example: the lease simply runs out).
   */
  renewEvery: Micros | 'never';
  /** Steps typed in instead of the random loop (see `LockOp`). */
  script?: LockScript;
}

/**
 * A lease-lock client: acquire (retrying every 100 ms), keep the lease alive in the
 * background, work, write to the storage with its fencing token, release. A stop-
 * the-world pause freezes the renewals too, so the lease can lapse while the client
 * still believes it holds it: only the storage's token check stops its late write.
 */
export function leaseClient(options: LeaseClientOptions): NodeModel {
  checkWorkTime(options.work, options.ttl);
  const { renewEvery } = options;
  if (renewEvery !== 'never' && !(renewEvery > 0 && renewEvery < options.ttl)) throw new ConfigError('renewEvery must be positive and shorter than the TTL');
  return (ctx) => {
    const { resource, lockServer } = options;
    let held: number | undefined;
    function* renewals(token: number, every: Micros) {
      while (held === token) {
        yield* sleep(every);
        if (held !== token) return;
        const renewed = yield* call<LeaseReply>(lockServer, { op: 'renew', resource, client: ctx.id, token, ttl: options.ttl }, options.timeout);
        if (renewed.ok && renewed.body.op === 'renew' && !renewed.body.ok) ctx.log(() => `renewal of token ${token} refused`);
      }
    }
    function* acquire() {
      const acquired = yield* call<LeaseReply>(lockServer, { op: 'acquire', resource, client: ctx.id, ttl: options.ttl }, options.timeout);
      if (!acquired.ok || acquired.body.op !== 'acquire' || !acquired.body.granted) return false;
      const token = acquired.body.token;
      held = token;
      if (renewEvery !== 'never') ctx.spawn(renewals(token, renewEvery));
      enter(ctx, resource, token);
      return true;
    }
    function* write() {
      if (held === undefined) ctx.log('holds no lease: not writing');
      else yield* writeToStorage(ctx, { resource, storage: options.storage, token: held });
      return undefined;
    }
    function* release() {
      if (held === undefined) return undefined;
      const token = held;
      leave(ctx, resource);
      held = undefined;
      yield* call(lockServer, { op: 'release', resource, client: ctx.id, token }, options.timeout);
      return undefined;
    }
    /**
     * Each step as its own small workflow, a wait as the sleep itself: one generator
     * holding every step's locals, made afresh for each step (most of them a wait for
     * the next try), was 9% of what a gc-pause-fencing run allocated.
     */
    function perform(step: LockOp): Generator<Effect, boolean | undefined> {
      switch (step.kind) {
        case 'acquire':
          return acquire();
        case 'wait':
          return sleep(step.duration) as Generator<Effect, undefined>;
        case 'write':
          return write();
        case 'release':
          return release();
      }
    }
    ctx.spawn(follow(planOf(ctx, options.script, () => leaseHolderLoop(ctx.random, options.work)), perform));
  };
}
