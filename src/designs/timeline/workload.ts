import { call, callAll, checkScript, ConfigError, follow, seconds, stepsOf, type Micros, type Reply, type NodeModel, type Random, type Script, type ScriptStep } from '../../kernel/index.js';
import type { MemoryInfo } from '../redis/keyspace.js';
import type { RedisReply } from '../redis/server.js';
import { compareIds } from '../snowflake/id.js';
import { timelineKey } from './cache.js';
import { timelineFact } from './facts.js';
import type { StoreReply, StoreRequest } from './store.js';

/** One operation of a workload, as plain data: the random workload and a typed-in story are both lists of these. */
export type TimelineOp =
  | { kind: 'tweet'; author: string }
  /** Deletes the author's latest tweet. */
  | { kind: 'delete'; author: string }
  | { kind: 'follow'; follower: string; followee: string }
  | { kind: 'read'; user: string }
  /** Asks the cache for its memory (INFO memory): the study's last step. */
  | { kind: 'memory' };

/** An operation by one client, at a true time, or (no `at`) as soon as its previous operation completes. */
export type ScheduledOp = ScriptStep<TimelineOp>;

export interface RandomWorkload {
  /** True-time window the random operations fall in. */
  window: [Micros, Micros];
  /** Tweets per second per writer, reads per second per reader (gaps uniform in [0, 2/rate]). */
  tweetRate: number;
  readRate: number;
  /** Of a writer's operations, the fraction that delete the author's latest tweet, and that follow someone. */
  deletes: number;
  follows: number;
  /** Draws a tweet's author (uniform over users unless the caller weighs them). */
  author?: (random: Random) => string;
  /** From this true time, the readers read every user once, back to back, for the properties' final judgement. */
  sweepAt?: Micros;
}

/** Draws the random workload before the run, as plain data. */
export function drawWorkload(random: Random, users: readonly string[], writers: readonly string[], readers: readonly string[], options: RandomWorkload): ScheduledOp[] {
  if (!(options.tweetRate > 0 && options.readRate >= 0)) throw new ConfigError('workload: tweetRate must be positive and readRate not negative');
  const author = options.author ?? ((r: Random) => r.pick(users));
  const ops: ScheduledOp[] = [];
  const gaps = (rate: number) => Math.round(seconds(1) / rate);
  for (const client of writers) {
    const gap = gaps(options.tweetRate);
    for (let at = options.window[0] + random.int(0, 2 * gap); at <= options.window[1]; at += random.int(1, 2 * gap)) {
      const draw = random.float();
      if (draw < options.deletes) ops.push({ client, at, kind: 'delete', author: author(random) });
      else if (draw < options.deletes + options.follows) {
        const [follower, followee] = random.sample(users, 2);
        ops.push({ client, at, kind: 'follow', follower: follower!, followee: followee! });
      } else ops.push({ client, at, kind: 'tweet', author: author(random) });
    }
  }
  if (options.readRate > 0) {
    for (const client of readers) {
      const gap = gaps(options.readRate);
      for (let at = options.window[0] + random.int(0, 2 * gap); at <= options.window[1]; at += random.int(1, 2 * gap)) ops.push({ client, at, kind: 'read', user: random.pick(users) });
    }
  }
  ops.sort((a, b) => a.at! - b.at!);
  if (options.sweepAt !== undefined && readers.length > 0) {
    users.forEach((user, i) => ops.push({ client: readers[i % readers.length]!, ...(i < readers.length ? { at: options.sweepAt } : {}), kind: 'read', user }));
  }
  return ops;
}

/** Refuses a script that names a client or user that does not exist, or a time outside the run. */
export function checkTimelineScript(ops: unknown, clients: readonly string[], users: ReadonlySet<string>, duration: Micros): asserts ops is Script<TimelineOp> {
  checkScript<TimelineOp>(ops, {
    what: 'timeline script',
    clients,
    kinds: ['tweet', 'delete', 'follow', 'read', 'memory'],
    duration,
    problem(op) {
      const named = op.kind === 'tweet' || op.kind === 'delete' ? [op.author] : op.kind === 'follow' ? [op.follower, op.followee] : op.kind === 'read' ? [op.user] : [];
      const missing = named.find((user) => !users.has(user));
      if (missing !== undefined) return `no user '${missing}' in the follower graph`;
      if (op.kind === 'follow' && op.follower === op.followee) return `${op.follower} cannot follow itself`;
      return undefined;
    },
  });
}

export interface ClientOptions {
  store: string;
  cache: string;
  /** Tweets a read returns. */
  limit: number;
  /** Whether a read also pulls the celebrities' tweets from the store (hybrid, fan-out on read). */
  pull: boolean;
  /** Merge cache and pull by id; without it a read returns the cache list as it is (arrival order). */
  sortById: boolean;
  timeout: Micros;
}

/**
 * A client of the timeline service: it performs its operations of the plan one at a
 * time, in order. Writers tweet, delete and follow through the store; readers read a
 * home timeline: the cache list (LRANGE) merged with the celebrities' tweets pulled
 * from the store. A read either returns a whole result or fails (a timeout); it never
 * returns half a merge.
 */
export function timelineClient(plan: Script<TimelineOp>, options: ClientOptions): NodeModel {
  return (ctx) => {
    let reads = 0;

    function* read(user: string) {
      const id = `${ctx.id}/${++reads}`;
      timelineFact(ctx, 'read-start', { read: id, user });
      const requests: Array<{ to: string; body: unknown }> = [{ to: options.cache, body: { op: 'lrange', key: timelineKey(user), start: 0, stop: options.limit - 1 } }];
      if (options.pull) requests.push({ to: options.store, body: { op: 'pull', user, limit: options.limit } satisfies StoreRequest });
      const [cached, pulled] = (yield* callAll<RedisReply | StoreReply>(requests, options.timeout)) as [Reply<RedisReply | StoreReply>, Reply<RedisReply | StoreReply>?];
      if (!cached.ok || (pulled && !pulled.ok)) return ctx.log(() => `read ${id} of ${user} failed: no reply in time`);
      const fromCache = (cached.body as { value: string[] }).value;
      let ids = fromCache;
      if (pulled?.ok) {
        const celebrities = (pulled.body as { ids: string[] }).ids;
        if (celebrities.length > 0) ctx.probe('celebrity merged at read');
        ids = [...new Set([...fromCache, ...celebrities])];
      }
      if (options.sortById) ids = ids.sort((a, b) => compareIds(b, a)).slice(0, options.limit);
      timelineFact(ctx, 'timeline-read', { read: id, user, ids, limit: options.limit });
      ctx.annotate(() => ({ read: `${user}: ${ids.length} tweets` }));
    }

    function* perform(op: TimelineOp) {
      switch (op.kind) {
        // Writers do not retry: what was posted, deleted or followed is judged at the store.
        case 'tweet':
          return void (yield* call(options.store, { op: 'post', author: op.author } satisfies StoreRequest, options.timeout));
        case 'delete':
          return void (yield* call(options.store, { op: 'delete', author: op.author } satisfies StoreRequest, options.timeout));
        case 'follow':
          return void (yield* call(options.store, { op: 'follow', follower: op.follower, followee: op.followee } satisfies StoreRequest, options.timeout));
        case 'read':
          return yield* read(op.user);
        case 'memory': {
          const reply = yield* call<RedisReply>(options.cache, { op: 'info-memory' }, options.timeout);
          if (reply.ok && 'value' in reply.body) timelineFact(ctx, 'cache-memory', reply.body.value as MemoryInfo);
          return;
        }
      }
    }

    // Clients start with no clock offset and the scenarios leave their clocks alone: a step's true time is the client's too.
    ctx.spawn(follow(stepsOf(plan, ctx.id), perform));
  };
}
