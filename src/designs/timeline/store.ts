import { ms, type Envelope, type Micros, type NodeModel } from '../../kernel/index.js';
import { SnowflakeGenerator } from '../snowflake/generator.js';
import { compareIds } from '../snowflake/id.js';
import { UNIX_MS_AT_START } from '../snowflake/node.js';
import { timelineFact } from './facts.js';
import type { FollowGraph } from './graph.js';

/** A fan-out job as the queue hands it out: the tweet, and whose timelines to change. */
export interface FanOutJob {
  job: number;
  /** Which delivery of the job this is: an ack names it, so a late ack of an earlier delivery still counts. */
  delivery: number;
  kind: 'post' | 'delete';
  id: string;
  author: string;
  /** The timelines to push to (post) or remove from (delete). */
  timelines: readonly string[];
}

export type StoreRequest =
  | { op: 'post'; author: string }
  /** Deletes the author's latest tweet that is not deleted yet. */
  | { op: 'delete'; author: string }
  | { op: 'follow'; follower: string; followee: string }
  | { op: 'poll' }
  | { op: 'ack'; job: number }
  /** The newest `limit` tweets of the celebrities `user` follows: the read-time half of the hybrid. */
  | { op: 'pull'; user: string; limit: number };

export type StoreReply =
  | { op: 'posted'; id: string }
  | { op: 'deleted'; id: string | null }
  | { op: 'followed' }
  | { op: 'job'; job: FanOutJob | null }
  | { op: 'pulled'; ids: string[] };

export interface StoreOptions {
  graph: FollowGraph;
  /**
   * Authors with more followers than this are celebrities: their tweets are not
   * pushed, readers pull them. Infinity: fan-out on write for everyone; 0: fan-out on
   * read for everyone (every author with a follower is a "celebrity").
   */
  celebrityThreshold: number;
  /** How long a delivered job stays invisible to other workers before it is delivered again unless acked. */
  visibility: Micros;
  /** The Snowflake node id of the store's generator. */
  nodeId: number;
  /**
   * Service time of a pull on the store's single request thread: a fixed part, and
   * one range read per celebrity followed (Manhattan per-user tweet index reads).
   * Zero by default.
   */
  pullCost?: { request: Micros; perCelebrity: Micros };
}

interface Tweet {
  author: string;
  deleted: boolean;
}

interface QueuedJob {
  job: number;
  kind: 'post' | 'delete';
  id: string;
  deliveries: number;
}

/**
 * The tweet store, the social graph and the fan-out queue, on one node: a tweet and
 * its fan-out job are written in one step (as a transactional outbox would), so no
 * tweet lacks its job. Tweet ids come from a Snowflake generator on this node's
 * clock. The queue is at-least-once, as SQS's visibility timeout or a Kafka consumer
 * that commits its offset after processing: a delivered job that is not acked within
 * `visibility` is delivered again.
 *
 * This node stands for replicated, durable services (Twitter's Manhattan and its
 * queues): the scenarios pause and partition it but do not crash it, and say so.
 */
export function tweetStore(options: StoreOptions): NodeModel<StoreRequest> {
  return (ctx) => {
    // The graph's own lists, copied only when a follow changes one: the study's systems share a graph of 100,000 users.
    const followers = new Map(options.graph.followers);
    const following = new Map(options.graph.following);
    const tweets = new Map<string, Tweet>();
    /** Each author's tweet ids, oldest first (ids increase on this one generator). */
    const byAuthor = new Map<string, string[]>();
    const jobs = new Map<number, QueuedJob>();
    /** Jobs ready for delivery, oldest first. */
    const ready: number[] = [];
    let nextJob = 1;
    let busyUntil: Micros = 0;
    const generator = new SnowflakeGenerator(options.nodeId, () => ms(UNIX_MS_AT_START) + ctx.now(), { backwards: 'wait' });
    // The generator is a workflow that may wait for the clock: posts take it one at a time (the seed's lock).
    const posts: Array<{ envelope: Envelope; author: string }> = [];
    let generating = false;

    const isCelebrity = (user: string) => (followers.get(user)?.length ?? 0) > options.celebrityThreshold;
    const annotateQueue = () => ctx.annotate(() => ({ queue: `${ready.length} ready, ${jobs.size - ready.length} in flight` }));

    const enqueue = (kind: 'post' | 'delete', id: string) => {
      const job = nextJob++;
      jobs.set(job, { job, kind, id, deliveries: 0 });
      ready.push(job);
      annotateQueue();
    };

    function* generateIds() {
      generating = true;
      while (posts.length > 0) {
        const { envelope, author } = posts.shift()!;
        const id = String(yield* generator.generate());
        tweets.set(id, { author, deleted: false });
        const mine = byAuthor.get(author) ?? [];
        mine.push(id);
        byAuthor.set(author, mine);
        timelineFact(ctx, 'tweet-posted', { id, author });
        enqueue('post', id);
        ctx.reply(envelope, { op: 'posted', id } satisfies StoreReply);
      }
      generating = false;
    }

    const deliver = (): FanOutJob | null => {
      let job: QueuedJob | undefined;
      // A job acked late, after its redelivery was queued, is skipped.
      while (!job && ready.length > 0) job = jobs.get(ready.shift()!);
      if (!job) return null;
      job.deliveries++;
      if (job.deliveries > 1) ctx.probe('fan-out message redelivered');
      ctx.setTimer(options.visibility, { visible: job.job, delivery: job.deliveries });
      annotateQueue();
      const tweet = tweets.get(job.id)!;
      // The list itself, not a copy: a follow replaces a user's list rather than changing it.
      let timelines = followers.get(tweet.author) ?? [];
      if (job.kind === 'post' && isCelebrity(tweet.author)) {
        ctx.probe('celebrity not pushed');
        timelines = [];
      }
      return { job: job.job, delivery: job.deliveries, kind: job.kind, id: job.id, author: tweet.author, timelines };
    };

    /** The newest `limit` live tweets of the celebrities `user` follows, and how many celebrities were read. */
    const pull = (user: string, limit: number): { ids: string[]; celebrities: number } => {
      const celebrities = (following.get(user) ?? []).filter(isCelebrity);
      const ids: string[] = [];
      for (const celebrity of celebrities) {
        const mine = byAuthor.get(celebrity) ?? [];
        let taken = 0;
        for (let i = mine.length - 1; i >= 0 && taken < limit; i--) {
          if (tweets.get(mine[i]!)!.deleted) continue;
          ids.push(mine[i]!);
          taken++;
        }
      }
      return { ids: ids.sort((a, b) => compareIds(b, a)).slice(0, limit), celebrities: celebrities.length };
    };

    /** Answers after the single request thread gets to it: pulls cost time, the rest none. */
    const answerAfter = (envelope: Envelope, cost: Micros, reply: StoreReply) => {
      if (cost === 0) return ctx.reply(envelope, reply);
      const now = ctx.now();
      busyUntil = Math.max(now, busyUntil) + cost;
      ctx.setTimer(busyUntil - now, { reply: envelope, body: reply });
    };

    annotateQueue();
    return {
      onMessage(request: StoreRequest, envelope: Envelope) {
        switch (request.op) {
          case 'post':
            posts.push({ envelope, author: request.author });
            if (!generating) ctx.spawn(generateIds());
            return;
          case 'delete': {
            const id = [...(byAuthor.get(request.author) ?? [])].reverse().find((i) => !tweets.get(i)!.deleted) ?? null;
            if (id !== null) {
              tweets.get(id)!.deleted = true;
              timelineFact(ctx, 'tweet-deleted', { id, author: request.author });
              enqueue('delete', id);
            }
            return ctx.reply(envelope, { op: 'deleted', id } satisfies StoreReply);
          }
          case 'follow': {
            if (!following.get(request.follower)!.includes(request.followee)) {
              followers.set(request.followee, [...followers.get(request.followee)!, request.follower]);
              following.set(request.follower, [...following.get(request.follower)!, request.followee]);
              timelineFact(ctx, 'follow', { follower: request.follower, followee: request.followee });
            }
            return ctx.reply(envelope, { op: 'followed' } satisfies StoreReply);
          }
          case 'poll':
            return ctx.reply(envelope, { op: 'job', job: deliver() } satisfies StoreReply);
          case 'ack':
            jobs.delete(request.job);
            annotateQueue();
            return;
          case 'pull': {
            const { ids, celebrities } = pull(request.user, request.limit);
            const cost = options.pullCost ? options.pullCost.request + options.pullCost.perCelebrity * celebrities : 0;
            return answerAfter(envelope, cost, { op: 'pulled', ids });
          }
        }
      },
      onTimer(tag: { visible: number; delivery: number } | { reply: Envelope; body: StoreReply }) {
        if ('reply' in tag) return ctx.reply(tag.reply, tag.body);
        const job = jobs.get(tag.visible);
        // Acked since, or delivered again since (a later timer owns it): nothing to do.
        if (!job || job.deliveries !== tag.delivery) return;
        ready.push(job.job);
        annotateQueue();
      },
    };
  };
}
