import { ConfigError, follow, sleep, type Micros, type NodeModel } from '../../kernel/index.js';
import { checkWorkTime, enter, leaseHolderLoop, leave, planOf, writeToStorage, type LockOp, type LockScript, type WorkTime } from '../locking/client.js';
import { openSession, submit } from '../raft/client.js';
import type { LockCommand, LockResult } from './machine.js';

export interface RaftLockClientOptions {
  resource: string;
  servers: readonly string[];
  storage: string;
  ttl: Micros;
  /** The textbook renews every 10 s on a 30 s lease: a third of the TTL. */
  renewEvery: Micros;
  work: WorkTime;
  /** How long to wait for each answer from a server. */
  timeout: Micros;
  /**
   * `seed`: the textbook's `_start_renewal_loop` as written: renew, sleep, repeat;
   * on an error it stops renewing, and the client goes on believing it holds the lock.
   * `corrected`: keeps renewing through errors, and stops believing it holds the lock
   * when told the lease is gone or when a TTL has passed (on its own monotonic clock)
   * since the last request the service confirmed; then it does not write.
   */
  renewal: 'seed' | 'corrected';
  /** Steps typed in instead of the random loop (see `LockOp`). */
  script?: LockScript;
}

/** What the client believes about one lease. */
interface Lease {
  token: number;
  /** Cleared by `release()`: the textbook's `_stop_renewal_loop`. */
  renewing: boolean;
  /** Whether the client believes it still holds the lock. */
  held: boolean;
  /** Numbers the client's acquire (0) and renewals; `confirmed` is the latest one the service answered. */
  sent: number;
  confirmed: number;
}

/**
 * The textbook's DistributedLock, used in a loop: acquire (retrying every 100 ms),
 * renew in the background, work, write to the fenced storage with the fencing
 * token, release. The loop is a generator of lock steps (`LockOp`), so a script's
 * steps run through the same code: `acquire` asks until the service answers (a
 * grant starts the renewals and enters the critical section), `write` writes with
 * the lease's token, `release` stops the renewals and gives the lock back.
 */
export function raftLockClient(options: RaftLockClientOptions): NodeModel {
  // Renewals keep the lease alive, so the work may outlast one TTL: that is what they are for.
  checkWorkTime(options.work, Number.POSITIVE_INFINITY);
  if (!(options.renewEvery > 0 && options.renewEvery < options.ttl)) throw new ConfigError('renewEvery must be positive and shorter than the TTL');
  if (options.timeout <= 0) throw new ConfigError('timeout must be positive');
  const { resource, ttl, timeout } = options;
  return (ctx) => {
    // Renewals run beside acquire and release, so they get a session of their own:
    // within a session, requests go one at a time, as the deduplication expects.
    const cluster = { servers: options.servers, leader: undefined };
    const session = openSession(ctx, cluster);
    const renewalSession = openSession(ctx, cluster);
    const renew = (lease: Lease, attempts: number) =>
      submit<LockCommand, LockResult>(ctx, renewalSession, { type: 'renew', resource, client: ctx.id, token: lease.token }, { timeout, attempts });

    function* seedRenewals(lease: Lease) {
      while (lease.renewing) {
        // One call, as `await self.lock_service.renew_lease(...)`: a timeout or a "not the leader" is the exception.
        const renewed = yield* renew(lease, 1);
        if (renewed?.type !== 'renewed') {
          ctx.log(() => `renewal of token ${lease.token} failed: renewals stop, the client still believes it holds the lock`);
          return;
        }
        yield* sleep(options.renewEvery);
      }
    }

    /** Ends the lease in the client's mind a TTL after request `number` was sent, unless a later one was confirmed. */
    function* leaseTimer(lease: Lease, number: number) {
      yield* sleep(ttl);
      if (lease.held && lease.confirmed === number) {
        lease.held = false;
        ctx.log(() => `no renewal of token ${lease.token} confirmed within the TTL: the client stops using the lock`);
      }
    }

    function* correctedRenewals(lease: Lease) {
      while (lease.renewing && lease.held) {
        yield* sleep(options.renewEvery);
        if (!lease.renewing || !lease.held) return;
        const number = ++lease.sent;
        ctx.spawn(leaseTimer(lease, number));
        const renewed = yield* renew(lease, 3);
        if (renewed?.type === 'renewed') lease.confirmed = Math.max(lease.confirmed, number);
        else if (renewed !== undefined) {
          lease.held = false;
          ctx.log(() => `the service says token ${lease.token} is no longer held: the client stops using the lock`);
        }
      }
    }

    /** The lease the client was granted last, until it releases it. */
    let lease: Lease | undefined;

    function* perform(step: LockOp) {
      switch (step.kind) {
        case 'acquire': {
          const attempt: Lease = { token: 0, renewing: true, held: true, sent: 0, confirmed: 0 };
          if (options.renewal === 'corrected') ctx.spawn(leaseTimer(attempt, 0));
          const acquired = yield* submit<LockCommand, LockResult>(ctx, session, { type: 'acquire', resource, client: ctx.id, ttl }, { timeout });
          if (acquired?.type !== 'granted') {
            attempt.held = false;
            return false;
          }
          attempt.token = acquired.token;
          lease = attempt;
          ctx.spawn(options.renewal === 'seed' ? seedRenewals(attempt) : correctedRenewals(attempt));
          enter(ctx, resource, attempt.token);
          return true;
        }
        case 'wait':
          yield* sleep(step.duration);
          return undefined;
        case 'write': {
          const held = lease;
          if (held === undefined) ctx.log('holds no lock: not writing');
          else yield* writeToStorage(ctx, { resource, storage: options.storage, token: held.token, stillHeld: options.renewal === 'corrected' ? () => held.held : undefined });
          return undefined;
        }
        case 'release': {
          const held = lease;
          if (held === undefined) return undefined;
          lease = undefined;
          leave(ctx, resource);
          held.renewing = false;
          yield* submit(ctx, session, { type: 'release', resource, client: ctx.id, token: held.token } satisfies LockCommand, { timeout, attempts: 3 });
          return undefined;
        }
      }
    }

    ctx.spawn(follow(planOf(ctx, options.script, () => leaseHolderLoop(ctx.random, options.work)), perform));
  };
}
