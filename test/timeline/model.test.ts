import { describe, expect, it } from 'vitest';
import { ConfigError, defineScenario, judge, ms, Random, runScenario, seconds, type Fault, type Scenario } from '../../src/kernel/index.js';
import { Keyspace } from '../../src/designs/redis/keyspace.js';
import { drawGraph } from '../../src/designs/timeline/graph.js';
import { buildTimeline, type TimelineDesign, type TimelineSystemOptions } from '../../src/designs/timeline/system.js';
import type { ScheduledOp } from '../../src/designs/timeline/workload.js';
import ackBeforeFanout from '../../scenarios/timeline-ack-before-fanout.js';
import arrivalOrder from '../../scenarios/timeline-arrival-order.js';
import hybrid from '../../scenarios/timeline-hybrid.js';

describe('redis lists', () => {
  it('push at either end, insert before a pivot, range with negative indexes, remove and trim', () => {
    const k = new Keyspace();
    expect(k.execute({ op: 'lpush', key: 'l', element: 'b' }, 0)).toBe(1);
    expect(k.execute({ op: 'lpush', key: 'l', element: 'a' }, 0)).toBe(2);
    expect(k.execute({ op: 'rpush', key: 'l', element: 'd' }, 0)).toBe(3);
    expect(k.execute({ op: 'linsert', key: 'l', where: 'before', pivot: 'd', element: 'c' }, 0)).toBe(4);
    expect(k.execute({ op: 'linsert', key: 'l', where: 'after', pivot: 'x', element: 'c' }, 0)).toBe(-1);
    expect(k.execute({ op: 'lrange', key: 'l', start: 0, stop: -1 }, 0)).toEqual(['a', 'b', 'c', 'd']);
    expect(k.execute({ op: 'lrange', key: 'l', start: -2, stop: 10 }, 0)).toEqual(['c', 'd']);
    expect(k.execute({ op: 'lrem', key: 'l', element: 'b' }, 0)).toBe(1);
    expect(k.execute({ op: 'ltrim', key: 'l', start: 0, stop: 1 }, 0)).toBe('OK');
    expect(k.execute({ op: 'lrange', key: 'l', start: 0, stop: -1 }, 0)).toEqual(['a', 'c']);
    expect(k.execute({ op: 'llen', key: 'l' }, 0)).toBe(2);
    expect(k.execute({ op: 'lrange', key: 'missing', start: 0, stop: -1 }, 0)).toEqual([]);
  });

  it('count in memory and survive a snapshot', () => {
    const k = new Keyspace();
    for (const id of ['3', '2', '1']) k.execute({ op: 'rpush', key: 'timeline:u1', element: id }, 0);
    expect(k.memory('timeline:u1', 0)).toEqual({ entries: 3, bytes: 50 + 11 + 3 * 3 + 32 });
    const copy = new Keyspace();
    copy.restore(k.snapshot());
    expect(copy.execute({ op: 'lrange', key: 'timeline:u1', start: 0, stop: -1 }, 0)).toEqual(['3', '2', '1']);
  });
});

describe('the follower graph', () => {
  it('is a power law: the most followed user has many times the median follower count', () => {
    const graph = drawGraph(new Random('graph'), { users: 2000, follows: [5, 20], zipf: 1 });
    const counts = graph.users.map((u) => graph.followers.get(u)!.length).sort((a, b) => b - a);
    expect(counts[0]! / counts[1000]!).toBeGreaterThan(50);
    for (const [user, followees] of graph.following) {
      expect(followees).not.toContain(user);
      for (const followee of followees) expect(graph.followers.get(followee)).toContain(user);
    }
  });

  it('refuses a graph of fewer than two users', () => {
    expect(() => drawGraph(new Random('g'), { users: 1, follows: [1, 1], zipf: 1 })).toThrow(ConfigError);
  });
});

/** A scripted story: u1 (followed by everyone) tweets at 1 s; the only worker crashes after its first push. */
function story(design: TimelineDesign, script: ScheduledOp[], faults: Fault[]): Scenario {
  const system: TimelineSystemOptions = {
    design,
    graph: { users: 5, follows: [4, 4], zipf: 1 },
    workers: 1,
    writers: 1,
    readers: 1,
    workload: { script },
    duration: seconds(6),
    cap: 800,
    batch: 1,
    timing: { pollEvery: ms(100), visibility: seconds(1), timeout: ms(200) },
    bounds: { holes: seconds(1), delete: seconds(1) },
  };
  return defineScenario({
    description: 'scripted timeline story',
    expect: 'safe',
    duration: system.duration,
    network: { latency: { min: ms(1), max: ms(1) } },
    build: (world) => void buildTimeline(world, system),
    faults: () => faults,
  });
}

const everyoneReads = (at: number): ScheduledOp[] => ['u2', 'u3', 'u4', 'u5'].map((user, i) => ({ client: 'reader-1', kind: 'read', user, ...(i === 0 ? { at } : {}) }));
const tweetThenCrash = {
  script: [{ client: 'writer-1', at: seconds(1), kind: 'tweet', author: 'u1' } as ScheduledOp, ...everyoneReads(seconds(5))],
  // Links take 1 ms: the worker's poll at 1.020 s returns the job at 1.022 s, its first push reaches the cache at 1.023 s.
  faults: [{ at: seconds(1.0235), kind: 'crash', node: 'fanout-1', restartAfter: ms(400) }] as Fault[],
};

describe('a scripted story: a worker crashes after its first push', () => {
  it('acked before the pushes, leaves the other followers without the tweet', () => {
    const run = runScenario(story({ celebrityThreshold: Infinity, ack: 'before-pushes', insert: 'by-id' }, tweetThenCrash.script, tweetThenCrash.faults), 1);
    expect(run.violation?.property).toBe('no-holes');
  });

  it('acked after the pushes, is delivered again and its repeated push is ignored', () => {
    const run = runScenario(story({ celebrityThreshold: Infinity, ack: 'after-pushes', insert: 'by-id' }, tweetThenCrash.script, tweetThenCrash.faults), 1);
    expect(run.violation).toBeUndefined();
    expect(run.probes['fan-out message redelivered']).toBe(1);
    expect(run.probes['duplicate push ignored']).toBe(1);
  });

  it('with everyone a celebrity (fan-out on read), pushes nothing and merges at read', () => {
    const run = runScenario(story({ celebrityThreshold: 0, ack: 'before-pushes', insert: 'by-id' }, tweetThenCrash.script, tweetThenCrash.faults), 1);
    expect(run.violation).toBeUndefined();
    expect(run.probes['celebrity merged at read']).toBeGreaterThan(0);
  });

  it('a delete leaves a tombstone, so a later redelivered push of the tweet is refused', () => {
    const script: ScheduledOp[] = [
      { client: 'writer-1', at: seconds(1), kind: 'tweet', author: 'u1' },
      { client: 'writer-1', at: seconds(1.5), kind: 'delete', author: 'u1' },
      ...everyoneReads(seconds(5)),
    ];
    const run = runScenario(story({ celebrityThreshold: Infinity, ack: 'after-pushes', insert: 'by-id' }, script, tweetThenCrash.faults), 1);
    expect(run.violation).toBeUndefined();
    expect(run.probes['push of deleted tweet refused']).toBeGreaterThan(0);
  });
});

describe('scripted workloads', () => {
  const build = (script: ScheduledOp[]) => () => runScenario(story({ celebrityThreshold: 8, ack: 'after-pushes', insert: 'by-id' }, script, []), 1);
  it('refuse an operation for a client that does not exist, a user not in the graph, or a time beyond the run', () => {
    expect(build([{ client: 'reader-9', at: 0, kind: 'read', user: 'u1' }])).toThrow(/timeline script, step 1: no client 'reader-9' \(clients: writer-1, reader-1\)/);
    expect(build([{ client: 'reader-1', at: 0, kind: 'read', user: 'u99' }])).toThrow(/no user 'u99' in the follower graph/);
    expect(build([{ client: 'writer-1', at: seconds(7), kind: 'tweet', author: 'u1' }])).toThrow(/"at" must be a true time within the run/);
    expect(build([{ client: 'writer-1', kind: 'follow', follower: 'u1', followee: 'u1' }])).toThrow('timeline script, step 1: u1 cannot follow itself');
  });
});

describe.each<[string, Scenario, number]>([
  ['timeline-ack-before-fanout', ackBeforeFanout, 20],
  ['timeline-arrival-order', arrivalOrder, 5],
])('%s', (_name, scenario, count) => {
  it('meets its expectation over its first seeds, and fails in no other way', () => {
    const verdict = judge(scenario, Array.from({ length: count }, (_, i) => runScenario(scenario, i + 1)));
    expect(verdict.matches, verdict.summary).toBe(true);
  });
});

describe('timeline-hybrid', () => {
  it('keeps every property over its first seeds (sim check runs all 2,000 and asks for its probes)', () => {
    for (let seed = 1; seed <= 20; seed++) expect(runScenario(hybrid, seed).outcome, `seed ${seed}`).toBe('ok');
  });
});
