import { call, ConfigError, ms, sleep, type Micros, type NodeContext, type Params } from '../../kernel/index.js';
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

/** One turn in the critical section. */
export interface Turn {
  resource: string;
  storage: string;
  work: WorkTime;
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
 * The critical section every lock client runs once it believes it holds the lock:
 * announce it, do the work, write to the storage (with the fencing token, if any),
 * and leave. The facts it emits are what the client really did, at true times.
 */
export function* criticalSection(ctx: NodeContext, { resource, storage, work, token, stillHeld }: Turn) {
  ctx.annotate({ holds: token === undefined ? resource : `${resource} token ${token}` });
  lockFact(ctx, 'cs-enter', { resource });
  yield* sleep(ctx.random.int(work.min, work.max));
  if (stillHeld?.() === false) {
    ctx.log(`lease with token ${token} lost before the write: not writing`);
  } else {
    const write: StorageWrite = { type: 'write', resource, client: ctx.id, token };
    const reply = yield* call<StorageReply>(storage, write, STORAGE_TIMEOUT);
    if (reply.ok && reply.body.type === 'write-rejected') ctx.log(`storage rejected token ${token} (highest ${reply.body.highest})`);
  }
  lockFact(ctx, 'cs-exit', { resource });
  ctx.annotate({ holds: null });
}
