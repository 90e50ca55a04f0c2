import { formatTime, type Fact, type KernelFact, type Micros, type Property, type RunEnd } from '../../kernel/index.js';
import { compareIds } from '../snowflake/id.js';
import type { TimelineFact } from './facts.js';
import type { FollowGraph } from './graph.js';

type F = Fact<TimelineFact | KernelFact>;

/** Which nodes' facts a property judges: those whose names start with `scope` (one system of several in a world). */
export interface Scope {
  scope?: string;
}

interface CompletedRead {
  read: string;
  user: string;
  node: string;
  start: Micros;
  end: Micros;
  ids: string[];
  limit: number;
}

/** Pairs each read's start with its result: the true times a read began and returned. */
class ReadLog {
  private readonly starts = new Map<string, Micros>();
  readonly completed: CompletedRead[] = [];

  record(fact: F): CompletedRead | undefined {
    if (fact.kind === 'read-start') this.starts.set(fact.data.read, fact.t);
    if (fact.kind !== 'timeline-read') return undefined;
    const read: CompletedRead = { ...fact.data, node: fact.node, start: this.starts.get(fact.data.read)!, end: fact.t };
    this.completed.push(read);
    return read;
  }
}

/** A full read shows only the newest `limit` tweets: an older one is out of its window, not missing. */
const outOfWindow = (read: CompletedRead, id: string) => read.ids.length >= read.limit && compareIds(id, read.ids[read.ids.length - 1]!) < 0;

const inScope = (fact: F, scope: string) => scope === '' || fact.node.startsWith(scope);

/**
 * No holes (liveness): once faults are over and `bound` has passed, a read of a
 * user's home timeline returns every tweet of everyone the user follows that was
 * posted at least `bound` before the read started, while the follow held, and
 * never deleted. Judged on what each read really returned.
 */
export function noHoles(graph: FollowGraph, options: { bound: Micros } & Scope): Property<TimelineFact | KernelFact> {
  const scope = options.scope ?? '';
  const reads = new ReadLog();
  /** When each follow began (the initial graph's at 0). */
  const followedSince = new Map<string, Map<string, Micros>>();
  for (const [user, followees] of graph.following) followedSince.set(user, new Map(followees.map((f) => [f, 0])));
  const posts = new Map<string, Array<{ id: string; t: Micros }>>();
  const deleted = new Set<string>();
  return {
    name: 'no-holes',
    watches: ['follow', 'tweet-posted', 'tweet-deleted', 'read-start', 'timeline-read'],
    observe(fact) {
      if (!inScope(fact, scope)) return undefined;
      if (fact.kind === 'follow') {
        const mine = followedSince.get(fact.data.follower) ?? new Map<string, Micros>();
        if (!mine.has(fact.data.followee)) mine.set(fact.data.followee, fact.t);
        followedSince.set(fact.data.follower, mine);
      } else if (fact.kind === 'tweet-posted') {
        const mine = posts.get(fact.data.author) ?? [];
        mine.push({ id: fact.data.id, t: fact.t });
        posts.set(fact.data.author, mine);
      } else if (fact.kind === 'tweet-deleted') deleted.add(fact.data.id);
      else reads.record(fact);
      return undefined;
    },
    finish(end: RunEnd) {
      const judgedFrom = end.faultsOverAt + options.bound;
      for (const read of reads.completed) {
        if (read.start < judgedFrom) continue;
        const returned = new Set(read.ids);
        for (const [followee, since] of followedSince.get(read.user) ?? []) {
          for (const post of posts.get(followee) ?? []) {
            if (post.t < since || post.t > read.start - options.bound || deleted.has(post.id)) continue;
            if (returned.has(post.id) || outOfWindow(read, post.id)) continue;
            return {
              message: `${read.node}'s read of ${read.user}'s timeline at ${formatTime(read.start)} lacks tweet ${post.id} by ${followee}, posted at ${formatTime(post.t)} (more than the bound of ${formatTime(options.bound)} before, with every fault over since ${formatTime(end.faultsOverAt)}): it returned ${read.ids.length} tweets. Find the fan-out of that tweet in the trace: which worker took its job, and did every push reach the cache before the job was acked?`,
              nodes: [read.node],
              at: read.end,
            };
          }
        }
      }
      return undefined;
    },
  };
}

/**
 * Order (safety): every read returns its tweets sorted by id, newest first, each
 * once; and a tweet a read returned is not missing from a later read of the same
 * timeline and back in a still later one (unless deleted, or out of a full read's
 * window). "Later" is by true time: the later read started after the earlier returned.
 */
export function timelineOrder(options: Scope = {}): Property<TimelineFact | KernelFact> {
  const scope = options.scope ?? '';
  const reads = new ReadLog();
  const deleted = new Set<string>();
  /** Per user: when each tweet was first returned (the read's end), and when a later read first lacked it. */
  const seen = new Map<string, Map<string, { returned: Micros; missing?: { read: CompletedRead } }>>();
  return {
    name: 'order',
    watches: ['read-start', 'timeline-read', 'tweet-deleted'],
    observe(fact) {
      if (!inScope(fact, scope)) return undefined;
      if (fact.kind === 'tweet-deleted') return void deleted.add(fact.data.id);
      const read = reads.record(fact);
      if (!read) return undefined;
      for (let i = 1; i < read.ids.length; i++) {
        if (compareIds(read.ids[i - 1]!, read.ids[i]!) <= 0) {
          return {
            message: `${read.node}'s read of ${read.user}'s timeline returned tweet ${read.ids[i]} after ${read.ids[i - 1]} (position ${i + 1} of ${read.ids.length}): a timeline must be newest first, each tweet once. Look at how pushes put tweets into the list: by arrival, or by id?`,
            nodes: [read.node],
          };
        }
      }
      const mine = seen.get(read.user) ?? new Map<string, { returned: Micros; missing?: { read: CompletedRead } }>();
      seen.set(read.user, mine);
      const returned = new Set(read.ids);
      for (const id of read.ids) {
        const earlier = mine.get(id);
        if (earlier?.missing && earlier.missing.read.end < read.start && !deleted.has(id)) {
          const gap = earlier.missing.read;
          return {
            message: `tweet ${id} disappeared from ${read.user}'s timeline and came back: returned by a read that ended at ${formatTime(earlier.returned)}, missing from ${gap.node}'s read at ${formatTime(gap.start)}, returned again by ${read.node}'s read at ${formatTime(read.start)}. Which store did the middle read come from, and what did it hold then?`,
            nodes: [gap.node, read.node],
          };
        }
        if (!earlier) mine.set(id, { returned: read.end });
      }
      for (const [id, state] of mine) {
        if (!state.missing && state.returned < read.start && !returned.has(id) && !outOfWindow(read, id)) state.missing = { read };
      }
      return undefined;
    },
  };
}

/**
 * Delete honoured (after faults heal): a read that starts at least `bound` after a
 * tweet's deletion was recorded, with every fault over for `bound`, does not return it.
 */
export function deleteHonoured(options: { bound: Micros } & Scope): Property<TimelineFact | KernelFact> {
  const scope = options.scope ?? '';
  const reads = new ReadLog();
  const deletedAt = new Map<string, Micros>();
  return {
    name: 'delete-honoured',
    watches: ['tweet-deleted', 'read-start', 'timeline-read'],
    observe(fact) {
      if (!inScope(fact, scope)) return undefined;
      if (fact.kind === 'tweet-deleted') deletedAt.set(fact.data.id, fact.t);
      else reads.record(fact);
      return undefined;
    },
    finish(end: RunEnd) {
      for (const read of reads.completed) {
        if (read.start < end.faultsOverAt + options.bound) continue;
        for (const id of read.ids) {
          const at = deletedAt.get(id);
          if (at !== undefined && read.start >= at + options.bound) {
            return {
              message: `${read.node}'s read of ${read.user}'s timeline at ${formatTime(read.start)} returned tweet ${id}, deleted at ${formatTime(at)} (more than the bound of ${formatTime(options.bound)} before). Did the delete's fan-out reach that timeline, and could a late push of the tweet have put it back?`,
              nodes: [read.node],
              at: read.end,
            };
          }
        }
      }
      return undefined;
    },
  };
}
