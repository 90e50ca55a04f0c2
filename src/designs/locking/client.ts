import { call, ConfigError, sleep, type Micros, type NodeContext } from '../../kernel/index.js';
import type { StorageReply, StorageWrite } from './storage.js';

/** How long a client works inside its critical section, drawn per turn from the client's stream. */
export interface WorkTime {
  min: Micros;
  max: Micros;
}

export function checkWorkTime(work: WorkTime, ttl: Micros): void {
  if (!(work.min > 0 && work.min <= work.max)) throw new ConfigError(`work time must satisfy 0 < min <= max (got ${work.min}..${work.max})`);
  if (work.max >= ttl) throw new ConfigError(`work time (${work.max}µs) must be shorter than the lock's TTL (${ttl}µs), or no client could finish in time`);
}

/**
 * The critical section every lock client runs once it believes it holds the lock:
 * announce it, do the work, write to the storage (with the fencing token, if any),
 * and leave. The facts it emits are what the client really did, at true times.
 * A careful client passes `stillHeld`, asked after the work: if it has learned
 * that its lease is gone, it leaves without writing.
 */
export function* criticalSection(
  ctx: NodeContext,
  resource: string,
  storage: string,
  token: number | undefined,
  work: WorkTime,
  stillHeld?: () => boolean,
) {
  ctx.annotate({ holds: token === undefined ? resource : `${resource} token ${token}` });
  ctx.fact('cs-enter', { resource });
  yield* sleep(ctx.random.int(work.min, work.max));
  if (stillHeld?.() === false) {
    ctx.log(`lease with token ${token} lost before the write: not writing`);
  } else {
    const write: StorageWrite = { type: 'write', resource, client: ctx.id, token };
    const reply = yield* call<StorageReply>(storage, write, 200_000);
    if (reply.ok && reply.body.type === 'write-rejected') ctx.log(`storage rejected token ${token} (highest ${reply.body.highest})`);
  }
  ctx.fact('cs-exit', { resource });
  ctx.annotate({ holds: null });
}
