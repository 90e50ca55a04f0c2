import type { NodeModel } from '../../kernel/index.js';
import { redisServer, type RedisOptions, type Script } from '../redis/server.js';
import { compareIds } from '../snowflake/id.js';
import type { TimelineFact } from './facts.js';

export const timelineKey = (user: string) => `timeline:${user}`;
/** A deleted tweet's tombstone in the cache: pushes of it are refused from then on. */
export const tombstoneKey = (id: string) => `deleted:${id}`;

/** How a push puts a tweet into a timeline list. */
export type InsertMode =
  /** Idempotent, in id order: a tweet already there is not added again; the list stays sorted newest first. */
  | 'by-id'
  /** LPUSH: at the head, in arrival order, whatever its id (and twice if pushed twice). */
  | 'arrival';

/** What a push script returns. */
export const PUSHED = 1;
export const DUPLICATE = 0;
export const TOMBSTONED = -1;

const pushed = (redis: Parameters<Script>[0]) => redis.fact('timeline-push' satisfies TimelineFact['kind'], {});

/**
 * The timeline push as a script (EVALSHA), so the check and the insert are one atomic
 * step on Redis's single thread. keys: [timeline, tombstone]; args: [id, cap]. The
 * caller's `meta` ({ id, user }) completes the `timeline-push` fact.
 */
const insertById: Script = (redis, [timeline, tombstone], [id, cap]) => {
  if (redis.call({ op: 'get', key: tombstone! }) !== null) return TOMBSTONED;
  const items = redis.call({ op: 'lrange', key: timeline!, start: 0, stop: -1 }) as string[];
  if (items.includes(String(id))) return DUPLICATE;
  const older = items.find((item) => compareIds(item, String(id)) < 0);
  if (older === undefined) redis.call({ op: 'rpush', key: timeline!, element: String(id) });
  else redis.call({ op: 'linsert', key: timeline!, where: 'before', pivot: older, element: String(id) });
  redis.call({ op: 'ltrim', key: timeline!, start: 0, stop: Number(cap) - 1 });
  // A tweet older than a full timeline's oldest is trimmed at once: stored, it never was.
  if (older !== undefined || items.length < Number(cap)) pushed(redis);
  return PUSHED;
};

/** Twitter's first cut: LPUSH then LTRIM (the list is "newest first" only if pushes arrive in id order). */
const pushByArrival: Script = (redis, [timeline, tombstone], [id, cap]) => {
  if (redis.call({ op: 'get', key: tombstone! }) !== null) return TOMBSTONED;
  redis.call({ op: 'lpush', key: timeline!, element: String(id) });
  redis.call({ op: 'ltrim', key: timeline!, start: 0, stop: Number(cap) - 1 });
  pushed(redis);
  return PUSHED;
};

export const PUSH_SCRIPT: Record<InsertMode, string> = { 'by-id': 'timeline-insert', arrival: 'timeline-lpush' };

/** The timeline cache: a Redis server with the push scripts loaded. */
export function timelineCache(options: Pick<RedisOptions, 'commandCost'> = {}): NodeModel {
  return redisServer({ ...options, scripts: { 'timeline-insert': insertById, 'timeline-lpush': pushByArrival } });
}
