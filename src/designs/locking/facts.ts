import { factEmitter } from '../../kernel/index.js';

/**
 * What every lock design really does, as facts stamped with true time: the lock
 * properties judge these, whatever service hands out the lock.
 *
 * - `cs-enter` / `cs-exit { resource }`: a client starts and stops using the resource (from the client);
 * - `lock-granted { resource, client, token }`: the lock service grants, with its fencing token;
 * - `storage-write { resource, client, token, accepted }`: the storage accepts or refuses a write;
 *   `token` is null when the client holds a lock without fencing tokens (Redis, Redlock).
 */
export type LockFact =
  | { kind: 'cs-enter'; data: { resource: string } }
  | { kind: 'cs-exit'; data: { resource: string } }
  | { kind: 'lock-granted'; data: { resource: string; client: string; token: number } }
  | { kind: 'storage-write'; data: { resource: string; client: string; token: number | null; accepted: boolean } };

export const lockFact = factEmitter<LockFact>();
