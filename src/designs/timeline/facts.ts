import { factEmitter } from '../../kernel/index.js';

/**
 * What really happened in a timeline service, stamped with true time by the kernel.
 * Tweet ids are Snowflake ids in decimal (JSON has no BigInt); they sort by
 * `compareIds`. Reads are judged by what the reader was really returned.
 */
export type TimelineFact =
  /** The social graph recorded that `follower` follows `followee` (follows made during the run). */
  | { kind: 'follow'; data: { follower: string; followee: string } }
  /** The tweet store stored tweet `id` by `author`: from now on it exists. */
  | { kind: 'tweet-posted'; data: { id: string; author: string } }
  /** The tweet store recorded the deletion of tweet `id`. */
  | { kind: 'tweet-deleted'; data: { id: string; author: string } }
  /** A reader started read `read` of `user`'s home timeline. */
  | { kind: 'read-start'; data: { read: string; user: string } }
  /** Read `read` returned these tweet ids, in the order returned (at most `limit`). */
  | { kind: 'timeline-read'; data: { read: string; user: string; ids: string[]; limit: number } }
  /** The cache really stored tweet `id` in `user`'s timeline (a push that was a duplicate or refused is not one). */
  | { kind: 'timeline-push'; data: { id: string; user: string } }
  /** What the cache reported of its memory (INFO memory), asked at the end of a study run. */
  | { kind: 'cache-memory'; data: { keys: number; entries: number; bytes: number } };

export const timelineFact = factEmitter<TimelineFact>();
