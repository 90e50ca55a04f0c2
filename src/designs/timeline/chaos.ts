import { drawFaults, ms, seconds, type Fault, type Random } from '../../kernel/index.js';
import { timelineNodes, type TimelineDesign, type TimelineSystemOptions } from './system.js';
import type { RandomWorkload } from './workload.js';

/** When the scenarios' faults start and by when they are over. */
export const FAULT_WINDOW: [number, number] = [ms(300), seconds(6)];
const LONGEST_FAULT = seconds(1);

/** Per writer 4 operations a second (10% deletes, 10% follows), per reader 5 reads a second, for 7 s; the sweep at 9 s. */
export const SCENARIO_WORKLOAD: RandomWorkload = { window: [0, seconds(7)], tweetRate: 4, readRate: 5, deletes: 0.1, follows: 0.1, sweepAt: seconds(9) };

/**
 * The scenarios' system, small enough for 2,000 seeds in about 15 s: 40 users
 * (a few with many followers), a 10 s run of tweets, deletes, follows and reads, and
 * from 9 s a sweep that reads every user's timeline once, after every fault is over
 * and the bounds have passed.
 */
export function scenarioSystem(design: TimelineDesign, overrides: Partial<TimelineSystemOptions> = {}): TimelineSystemOptions {
  return {
    design,
    graph: { users: 40, follows: [2, 8], zipf: 1 },
    workers: 3,
    writers: 2,
    readers: 3,
    workload: { random: SCENARIO_WORKLOAD },
    duration: seconds(10),
    cap: 800,
    batch: 4,
    timing: { pollEvery: ms(100), visibility: seconds(1), timeout: ms(200) },
    // A job abandoned just as the faults end is delivered again after its visibility timeout (1 s) and takes well under 0.5 s.
    bounds: { holes: ms(1500), delete: ms(1500) },
    ...overrides,
  };
}

/**
 * The faults: fan-out workers crash, pause and have their clocks stepped; the store
 * and the cache pause and have their clocks stepped; links are cut and degraded
 * (loss, duplication, reordering) between any nodes. Every fault is over by 7 s.
 */
export function timelineFaults(random: Random, options: TimelineSystemOptions): Fault[] {
  const names = timelineNodes(options);
  const everyone = [names.store, names.cache, ...names.workers, ...names.writers, ...names.readers];
  const common = { window: FAULT_WINDOW, duration: [ms(20), LONGEST_FAULT] as [number, number], maxJump: seconds(1) };
  return [
    ...drawFaults(random, { ...common, count: [2, 6], weights: { crash: 3, pause: 1, 'clock-jump': 1 }, nodes: names.workers }),
    ...drawFaults(random, { ...common, count: [0, 2], weights: { pause: 1, 'clock-jump': 1 }, nodes: [names.store, names.cache] }),
    ...drawFaults(random, { ...common, count: [0, 3], weights: { partition: 1, degrade: 2 }, nodes: everyone, partitionable: everyone }),
  ].sort((a, b) => a.at - b.at);
}

/** Why the scenarios do not crash some roles (`exempt`). */
export const TIMELINE_EXEMPT = {
  tweets: 'the tweet store, graph and queue stand for replicated durable services (Manhattan, Kafka); their failover is not this design\'s question. It is paused, clock-stepped and partitioned',
  cache: 'a crashed Redis timeline cache loses its lists and Twitter rebuilds them from the tweet store (Krikorian 2012), which this model leaves out; it is paused, clock-stepped and partitioned',
  writer: 'writers only submit operations; what was posted is judged at the store',
  reader: 'readers only report what they were returned; their clocks are not read for any judgement',
};
