import { call, checkScript, ConfigError, ms, stepsOf, type Micros, type NodeContext, type Params, type Random, type Script } from '../../kernel/index.js';
import { lockFact } from './facts.js';
import type { StorageReply, StorageWrite } from './storage.js';

/** How long a client works inside its critical section, drawn per turn from the client's stream. */
export interface WorkTime {
  min: Micros;
  max: Micros;
}

/** What every lock client is given, whatever service it takes the lock from. */
export interface LockClientOptions {
  resource: string;
  /** The storage the lock protects. */
  storage: string;
  ttl: Micros;
  work: WorkTime;
  /** How long to wait for each answer from the lock service. */
  timeout: Micros;
}

/** The param of every lock scenario: how many clients compete for the lock; the shrinker tries fewer. */
export const clientParams = { clients: { default: 3, shrinkTo: 1, description: 'clients competing for the lock' } };

/** The clients' node ids: `client-1`, `client-2`, ... */
export const clientIds = (params: Params<'clients'>): string[] => Array.from({ length: params.clients }, (_, i) => `client-${i + 1}`);

export function checkWorkTime(work: WorkTime, ttl: Micros): void {
  if (!(work.min > 0 && work.min <= work.max)) throw new ConfigError(`work time must satisfy 0 < min <= max (got ${work.min}..${work.max})`);
  if (work.max >= ttl) throw new ConfigError(`work time (${work.max}µs) must be shorter than the lock's TTL (${ttl}µs), or no client could finish in time`);
}

/** One write in the critical section. */
export interface Turn {
  resource: string;
  storage: string;
  /** The fencing token, when the lock hands one out. */
  token?: number;
  /**
   * Asked after the work, by a careful client: if it has learned that its lease is
   * gone, it leaves without writing.
   */
  stillHeld?: () => boolean;
}

/** How long a client waits for the storage to answer its write. */
const STORAGE_TIMEOUT = ms(200);

/**
 * What every lock client does, as plain data: the steps a script lists and its
 * random loop generates. `acquire` is one attempt: once granted, the client is in its
 * critical section; `write` writes to the storage (with the fencing token, if any) if
 * the client believes it holds the lock; `release` leaves the critical section and
 * gives the lock back; `wait` is time spent inside it (work) or between attempts.
 */
export type LockOp = { kind: 'acquire' } | { kind: 'write' } | { kind: 'release' } | { kind: 'wait'; duration: Micros };
export type LockScript = Script<LockOp>;

/** Checks a lock script against the run's clients and duration: a ConfigError for the first bad step. */
export function checkLockScript(script: LockScript, clients: readonly string[], duration: Micros): void {
  checkScript<LockOp>(script, {
    what: 'lock script',
    clients,
    kinds: ['acquire', 'write', 'release', 'wait'],
    duration,
    problem: (step) => (step.kind === 'wait' && !isDuration(step.duration) ? 'a wait needs a "duration": microseconds, 0 or more' : undefined),
  });
}
const isDuration = (v: unknown) => Number.isSafeInteger(v) && (v as number) >= 0;

/**
 * The random loop of the lease-holding clients (lease lock, Raft lock), as steps:
 * acquire until granted (asking again every 100 ms while another client holds it),
 * work, write, release, rest 10–50 ms.
 */
export function* leaseHolderLoop(random: Random, work: WorkTime): Generator<LockOp, void, boolean | undefined> {
  for (;;) {
    if (!(yield { kind: 'acquire' })) {
      yield { kind: 'wait', duration: ms(100) };
      continue;
    }
    yield { kind: 'wait', duration: random.int(work.min, work.max) };
    yield { kind: 'write' };
    yield { kind: 'release' };
    yield { kind: 'wait', duration: random.int(ms(10), ms(50)) };
  }
}

/** The client's steps: its part of the script, or the random loop's generated ones. */
export function planOf<Outcome>(ctx: NodeContext, script: LockScript | undefined, random: () => Iterator<LockOp, void, Outcome>): Iterable<LockOp> | Iterator<LockOp, void, Outcome> {
  return script ? stepsOf(script, ctx.id) : random();
}

/** Entering the critical section: what the client really does, at true times, for the properties. */
export function enter(ctx: NodeContext, resource: string, token?: number): void {
  ctx.annotate(() => ({ holds: token === undefined ? resource : `${resource} token ${token}` }));
  lockFact(ctx, 'cs-enter', { resource });
}

export function leave(ctx: NodeContext, resource: string): void {
  lockFact(ctx, 'cs-exit', { resource });
  ctx.annotate({ holds: null });
}

/** The write a lock protects (with the fencing token, if any), unless a careful client has learned its lease is gone. */
export function* writeToStorage(ctx: NodeContext, { resource, storage, token, stillHeld }: Turn) {
  if (stillHeld?.() === false) {
    ctx.log(() => `lease with token ${token} lost before the write: not writing`);
    return;
  }
  const write: StorageWrite = { type: 'write', resource, client: ctx.id, token };
  const reply = yield* call<StorageReply>(storage, write, STORAGE_TIMEOUT);
  if (reply.ok && reply.body.type === 'write-rejected') {
    const { highest } = reply.body;
    ctx.log(() => `storage rejected token ${token} (highest ${highest})`);
  }
}
