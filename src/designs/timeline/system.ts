import { ConfigError, type Micros, type World } from '../../kernel/index.js';
import { timelineCache, type InsertMode } from './cache.js';
import { drawGraph, type FollowGraph, type GraphOptions } from './graph.js';
import { deleteHonoured, noHoles, timelineOrder } from './properties.js';
import { tweetStore, type StoreOptions } from './store.js';
import { checkTimelineScript, drawWorkload, timelineClient, type RandomWorkload, type ScheduledOp } from './workload.js';
import { fanOutWorker, type AckPoint } from './worker.js';

/** The three designs of the textbook's question, and the two broken variants, as settings of one system. */
export interface TimelineDesign {
  /** Authors with more followers than this are pulled at read time: Infinity is fan-out on write, 0 fan-out on read. */
  celebrityThreshold: number;
  ack: AckPoint;
  insert: InsertMode;
  /** A delete's fan-out writes a tombstone first, refusing later pushes of the tweet (default); false: it only removes it from the lists. */
  tombstone?: boolean;
}

export interface TimelineSystemOptions {
  design: TimelineDesign;
  graph: GraphOptions;
  workers: number;
  writers: number;
  readers: number;
  /** The random workload, or a script (plain data: a failure story typed in). */
  workload: { random: RandomWorkload } | { script: ScheduledOp[] };
  /** Length of the run, to refuse scripted operations beyond it. */
  duration: Micros;
  /** Most tweets a timeline list keeps, and a read returns. */
  cap: number;
  /** Timelines per fan-out pipeline. */
  batch: number;
  timing: { pollEvery: Micros; visibility: Micros; timeout: Micros };
  /** The properties' bounds; no properties when absent (the study adds its own). */
  bounds?: { holes: Micros; delete: Micros };
  /** Redis's time per command, and the store's per pull (for the study's latencies). */
  costs?: { cacheCommand: Micros; pull: NonNullable<StoreOptions['pullCost']> };
  /** Prefix of every node name: several systems in one world (the study). */
  scope?: string;
}

/** The node names of a system. */
export function timelineNodes(options: Pick<TimelineSystemOptions, 'workers' | 'writers' | 'readers' | 'scope'>) {
  const scope = options.scope ?? '';
  const numbered = (role: string, count: number) => Array.from({ length: count }, (_, i) => `${scope}${role}-${i + 1}`);
  return { store: `${scope}tweets`, cache: `${scope}cache`, workers: numbered('fanout', options.workers), writers: numbered('writer', options.writers), readers: numbered('reader', options.readers) };
}

/**
 * A home-timeline service: the tweet store with the social graph and the fan-out
 * queue, fan-out workers, a Redis timeline cache, writers and readers, over a
 * follower graph drawn from a power law. Returns the graph (the study reuses it).
 */
export function buildTimeline(world: World, options: TimelineSystemOptions, graph: FollowGraph = drawGraph(world.stream('graph'), options.graph)): FollowGraph {
  if (options.workers < 1 || options.cap < 1 || options.batch < 1) throw new ConfigError('timeline: needs at least one worker, a cap and a batch of at least 1');
  const names = timelineNodes(options);
  const { design } = options;
  const plan =
    'script' in options.workload
      ? options.workload.script
      : drawWorkload(world.stream(`${options.scope ?? ''}workload`), graph.users, names.writers, names.readers, options.workload.random);
  checkTimelineScript(plan, [...names.writers, ...names.readers], new Set(graph.users), options.duration);

  world.node(names.store, tweetStore({ graph, celebrityThreshold: design.celebrityThreshold, visibility: options.timing.visibility, nodeId: 1, pullCost: options.costs?.pull }));
  world.node(names.cache, timelineCache({ commandCost: options.costs?.cacheCommand }));
  for (const worker of names.workers) {
    world.node(worker, fanOutWorker({ store: names.store, cache: names.cache, ack: design.ack, insert: design.insert, tombstone: design.tombstone ?? true, batch: options.batch, cap: options.cap, pollEvery: options.timing.pollEvery, timeout: options.timing.timeout }));
  }
  const client = timelineClient(plan, {
    store: names.store,
    cache: names.cache,
    limit: options.cap,
    pull: design.celebrityThreshold !== Infinity,
    sortById: design.insert === 'by-id',
    timeout: options.timing.timeout,
  });
  for (const node of [...names.writers, ...names.readers]) world.node(node, client);

  if (options.bounds) {
    const scope = options.scope;
    world.property(noHoles(graph, { bound: options.bounds.holes, scope }));
    world.property(timelineOrder({ scope }));
    world.property(deleteHonoured({ bound: options.bounds.delete, scope }));
  }
  return graph;
}
