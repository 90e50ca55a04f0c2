import { formatDuration, ms, seconds, type Fact, type KernelFact, type Micros, type Random, type World } from '../../kernel/index.js';
import type { TimelineFact } from './facts.js';
import { drawGraph, type FollowGraph } from './graph.js';
import { timelineOrder } from './properties.js';
import { buildTimeline, type TimelineSystemOptions } from './system.js';
import { drawWorkload, type ScheduledOp } from './workload.js';
import { percentile } from '../stats.js';

/**
 * The trade-off the design question asks for: the same follower graph and the same
 * tweets and reads, served with the celebrity threshold at each of these values —
 * Infinity is pure fan-out on write, 0 pure fan-out on read, the rest the hybrid.
 */
export const STUDY_THRESHOLDS = [Infinity, 10_000, 1_000, 100, 0] as const;

export const STUDY = {
  duration: seconds(12),
  /** Tweets and reads fall in [0, 10 s]; the cache's memory is read at 11.5 s, when every fan-out is over. */
  window: [0, seconds(10)] as [Micros, Micros],
  memoryAt: seconds(11.5),
  writers: 10,
  tweetRate: 10,
  readers: 20,
  readRate: 50,
  /** Of tweets, the share whose author is drawn by follower count (the popular tweet more), the rest uniformly. */
  popularAuthors: 0.1,
  workers: 8,
  batch: 100,
  /** Redis: about 2 µs per command on its one thread (a push script runs 4 or 5). */
  cacheCommand: 2,
  /** The store's per-pull service time: a request, and one range read per celebrity followed. */
  pull: { request: 100, perCelebrity: 20 },
} as const;

const scopeOf = (threshold: number) => (threshold === Infinity ? 'write-' : `t${threshold}-`);
const designName = (threshold: number) => (threshold === Infinity ? 'fan-out on write' : threshold === 0 ? 'fan-out on read' : 'hybrid');

/** Draws an author: most uniformly, some in proportion to their followers (bisection over the cumulative counts). */
function authorDraw(graph: FollowGraph): (random: Random) => string {
  const cumulative = new Float64Array(graph.users.length);
  let total = 0;
  graph.users.forEach((user, i) => (cumulative[i] = total += graph.followers.get(user)!.length));
  return (random) => {
    if (!random.chance(STUDY.popularAuthors)) return random.pick(graph.users);
    const x = random.float() * total;
    let lo = 0;
    let hi = graph.users.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid]! > x) hi = mid;
      else lo = mid + 1;
    }
    return graph.users[lo]!;
  };
}

/**
 * One system per threshold in one world, over one graph of `users` users and one
 * plan of operations (each system's clients renamed by its prefix). Each system's
 * reads are checked for order; the table is the summary.
 */
export function buildStudy(world: World, { users }: { users: number }): void {
  const graph = drawGraph(world.stream('graph'), { users, follows: [1, 40], zipf: 1 });
  const clients = (role: string, n: number) => Array.from({ length: n }, (_, i) => `${role}-${i + 1}`);
  const readers = clients('reader', STUDY.readers);
  const plan: ScheduledOp[] = [
    ...drawWorkload(world.stream('workload'), graph.users, clients('writer', STUDY.writers), readers, {
      window: STUDY.window, tweetRate: STUDY.tweetRate, readRate: STUDY.readRate, deletes: 0, follows: 0, author: authorDraw(graph),
    }),
    { client: readers[0]!, at: STUDY.memoryAt, kind: 'memory' },
  ];
  for (const threshold of STUDY_THRESHOLDS) {
    const scope = scopeOf(threshold);
    const system: TimelineSystemOptions = {
      design: { celebrityThreshold: threshold, ack: 'after-pushes', insert: 'by-id' },
      graph: { users, follows: [1, 40], zipf: 1 },
      workers: STUDY.workers,
      writers: STUDY.writers,
      readers: STUDY.readers,
      workload: { script: plan.map((op) => ({ ...op, client: scope + op.client })) },
      duration: STUDY.duration,
      cap: 800,
      batch: STUDY.batch,
      timing: { pollEvery: ms(10), visibility: seconds(5), timeout: seconds(2) },
      costs: { cacheCommand: STUDY.cacheCommand, pull: STUDY.pull },
      scope,
    };
    buildTimeline(world, system, graph);
    world.property(timelineOrder({ scope }));
  }
}

interface Row {
  tweets: number;
  pushes: number;
  postedAt: Map<string, Micros>;
  /** Post to last push, per tweet that was pushed at all. */
  lastPush: Map<string, Micros>;
  readStarts: Map<string, Micros>;
  latencies: Micros[];
  memory?: { keys: number; entries: number; bytes: number };
}

/**
 * The table, measured on true times from facts: writes per tweet (timeline pushes
 * the cache really stored, per tweet posted), fan-out lag (post to its last push),
 * read latency p50/p99 (read start to result), cache memory (INFO memory at the end).
 */
export function studySummary({ users }: { users: number }): { collect(fact: Fact<TimelineFact | KernelFact>): void; render(): string } {
  const rows = new Map<string, Row>(STUDY_THRESHOLDS.map((t) => [scopeOf(t), { tweets: 0, pushes: 0, postedAt: new Map(), lastPush: new Map(), readStarts: new Map(), latencies: [] }]));
  const rowOf = (node: string) => rows.get(node.slice(0, node.indexOf('-') + 1))!;
  return {
    collect(fact) {
      const row = rowOf(fact.node);
      if (!row) return;
      switch (fact.kind) {
        case 'tweet-posted':
          row.tweets++;
          row.postedAt.set(fact.data.id, fact.t);
          return;
        case 'timeline-push':
          row.pushes++;
          row.lastPush.set(fact.data.id, fact.t);
          return;
        case 'read-start':
          row.readStarts.set(fact.data.read, fact.t);
          return;
        case 'timeline-read':
          row.latencies.push(fact.t - row.readStarts.get(fact.data.read)!);
          return;
        case 'cache-memory':
          row.memory = fact.data;
          return;
      }
    },
    render() {
      const header = ['celebrity threshold', 'design', 'writes/tweet', 'fan-out lag p50', 'p99', 'read p50', 'p99', 'reads', 'cache memory', 'entries'];
      const time = (t: Micros | undefined) => (t === undefined ? '-' : formatDuration(t));
      const lines = STUDY_THRESHOLDS.map((threshold) => {
        const row = rows.get(scopeOf(threshold))!;
        const lags = [...row.lastPush].map(([id, t]) => t - row.postedAt.get(id)!);
        return [
          threshold === Infinity ? 'none (push all)' : `> ${threshold.toLocaleString('en-US')} followers`,
          designName(threshold),
          (row.pushes / Math.max(1, row.tweets)).toFixed(1),
          time(percentile(lags, 50)), time(percentile(lags, 99)),
          time(percentile(row.latencies, 50)), time(percentile(row.latencies, 99)),
          row.latencies.length.toLocaleString('en-US'),
          row.memory ? `${(row.memory.bytes / 1e6).toFixed(1)} MB` : '-',
          row.memory ? row.memory.entries.toLocaleString('en-US') : '-',
        ];
      });
      const widths = header.map((h, c) => Math.max(h.length, ...lines.map((l) => l[c]!.length)));
      const format = (cols: string[]) => cols.map((col, c) => (c < 2 ? col.padEnd(widths[c]!) : col.padStart(widths[c]!))).join('  ');
      const tweets = rows.get(scopeOf(Infinity))!.tweets;
      return [
        `Timeline study: ${users.toLocaleString('en-US')} users, each following 1–40 others drawn by a Zipf law of exponent 1; ${tweets.toLocaleString('en-US')} tweets`,
        `(${STUDY.popularAuthors * 100}% by authors drawn by follower count) and ${STUDY.readers * STUDY.readRate} reads/s of uniform users for ${formatDuration(STUDY.window[1])}, the same in every row;`,
        `${STUDY.workers} fan-out workers pushing ${STUDY.batch} timelines per pipeline; Redis ${STUDY.cacheCommand}µs per command; a pull ${STUDY.pull.request}µs + ${STUDY.pull.perCelebrity}µs per celebrity followed.`,
        '',
        format(header),
        format(widths.map((w) => '-'.repeat(w))),
        ...lines.map(format),
      ].join('\n');
    },
  };
}
