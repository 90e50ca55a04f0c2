import { describe, expect, it } from 'vitest';
import { call, ConfigError, defineScenario, ms, runScenario, seconds, sleep, Simulation, type Fault, type NodeModel, type TraceEvent } from '../../src/kernel/index.js';
import { kvModel, linearizable } from '../../src/check/linearizability/index.js';
import { redisKvClient, type RedisKvScript } from '../../src/designs/redis-sentinel/client.js';
import { oneLeaderPerEpoch } from '../../src/designs/redis-sentinel/properties.js';
import { sentinel } from '../../src/designs/redis-sentinel/sentinel.js';
import { replicatedRedis, type ClientReply } from '../../src/designs/redis-sentinel/server.js';
import { clients, redisSentinelSystem, sentinels, servers } from '../../src/designs/redis-sentinel/system.js';
import partitionStory from '../../scenarios/published/redis-sentinel-partition.js';
import voteEveryRequest from '../../scenarios/redis-sentinel-bug-vote-every-request.js';

const TIMING = { downAfter: seconds(1), period: ms(100), helloInterval: ms(200), failoverTimeout: seconds(2) };
const SERVER = { ackInterval: ms(100), minReplicasToWrite: 0, minReplicasMaxLag: seconds(1) };

/** Three servers, three sentinels with `quorum`, one scripted client; the trace of seed 1. */
function run(quorum: number, faults: Fault[], script: RedisKvScript = []): TraceEvent[] {
  const scenario = defineScenario({
    description: 'sentinel test',
    expect: 'safe',
    duration: seconds(10),
    network: { latency: { min: ms(1), max: ms(10) } },
    build(world) {
      for (const id of servers) world.node(id, replicatedRedis({ ...SERVER, replicaOf: id === 'redis-1' ? undefined : 'redis-1' }));
      for (const id of sentinels) world.node(id, sentinel({ ...TIMING, sentinels, servers, primary: 'redis-1', quorum }));
      world.node('client-1', redisKvClient({ sentinels, keys: ['x'], timeout: ms(100), think: { min: ms(10), max: ms(10) }, script }));
      world.property(linearizable(kvModel));
      world.property(oneLeaderPerEpoch());
    },
    faults: () => faults,
  });
  return runScenario(scenario, 1, { trace: true }).trace!;
}
const facts = (trace: TraceEvent[], name: string) => trace.flatMap((e) => (e.kind === 'fact' && e.fact === name ? [e.data as Record<string, unknown>] : []));
const probes = (trace: TraceEvent[]) => trace.flatMap((e) => (e.kind === 'probe' ? [e.probe] : []));
/** What each node last annotated for `field`. */
const lastAnnotated = (trace: TraceEvent[], field: string) => {
  const last = new Map<string, unknown>();
  for (const e of trace) if (e.kind === 'state' && field in e.fields) last.set(e.node, e.fields[field]);
  return last;
};

describe('Sentinel fails over only with a majority of sentinels (redis.io, "Quorum")', () => {
  it('with two of three sentinels down, the third sees the primary ODOWN (quorum 1) but is never authorized', () => {
    const trace = run(1, [
      { at: ms(500), kind: 'crash', node: 'sentinel-2' },
      { at: ms(500), kind: 'crash', node: 'sentinel-3' },
      { at: seconds(1), kind: 'crash', node: 'redis-1' },
    ]);
    expect(lastAnnotated(trace, 'state').get('sentinel-1')).toMatch(/ODOWN|failover epoch/);
    expect(facts(trace, 'failover-authorized')).toEqual([]);
    expect(probes(trace)).toContain('failover election timed out without a majority');
    expect(lastAnnotated(trace, 'primary').get('sentinel-1')).toBe('redis-1');
  });

  it('with all three up, one sentinel is authorized in epoch 1 and every sentinel ends up naming the promoted replica', () => {
    const trace = run(2, [{ at: seconds(1), kind: 'crash', node: 'redis-1' }]);
    const authorized = facts(trace, 'failover-authorized');
    expect(authorized).toHaveLength(1);
    expect(authorized[0]).toMatchObject({ epoch: 1, votes: expect.any(Number) });
    const primaries = lastAnnotated(trace, 'primary');
    const promoted = primaries.get('sentinel-1');
    expect(['redis-2', 'redis-3']).toContain(promoted);
    expect(sentinels.map((s) => primaries.get(s))).toEqual([promoted, promoted, promoted]);
    expect(lastAnnotated(trace, 'epoch').get('sentinel-3')).toBe(1);
  });

  it('promotes the replica that processed more of the stream', () => {
    // redis-2 hears nothing from the primary after 0.5 s; the client's writes reach redis-3 only.
    const script: RedisKvScript = [1, 2, 3].map((n) => ({ client: 'client-1', at: ms(600 + 100 * n), kind: 'set' as const, key: 'x', value: `v${n}` }));
    const trace = run(2, [
      { at: ms(500), kind: 'partition-oneway', from: ['redis-1'], to: ['redis-2'], duration: seconds(10) },
      { at: seconds(1.5), kind: 'crash', node: 'redis-1' },
    ], script);
    expect(lastAnnotated(trace, 'primary').get('sentinel-2')).toBe('redis-3');
  });
});

describe('one leader per epoch rests on voting once per epoch', () => {
  const seeds = Array.from({ length: 30 }, (_, i) => i + 1);
  it('two candidates in epoch 1 that cannot hear each other, one sentinel asked by both: with the planted bug both are elected', () => {
    const violated = seeds.filter((seed) => runScenario(voteEveryRequest, seed).violation?.property === 'one-leader-per-epoch');
    expect(violated.length).toBeGreaterThan(5);
  });

  it('the same faults with sentinels that vote once per epoch: never two leaders, and a failover still happens', () => {
    const correct = defineScenario({ ...voteEveryRequest, ...redisSentinelSystem({ script: [] }), duration: voteEveryRequest.duration, expect: 'safe' });
    const runs = seeds.map((seed) => runScenario(correct, seed));
    expect(runs.filter((r) => r.violation)).toEqual([]);
    expect(runs.every((r) => (r.probes['failover authorized by a majority of sentinels'] ?? 0) >= 1)).toBe(true);
  });
});

describe('the old primary, back from a partition, is demoted and loses what it acknowledged alone', () => {
  /** A driver that sends commands to servers at given times and records the replies. */
  function drive(steps: Array<{ at: number; to: string; body: unknown }>, log: unknown[]): NodeModel {
    return (ctx) =>
      ctx.spawn((function* () {
        for (const step of steps) {
          yield* sleep(Math.max(0, step.at - ctx.now()));
          const reply = yield* call<ClientReply>(step.to, step.body, ms(50));
          log.push(reply.ok ? reply.body : 'timeout');
        }
      })());
  }

  it('after REPLICAOF the new primary, a full resync replaces its data set; its replica history continues the new primary', () => {
    const sim = new Simulation({ seed: 1, network: { latency: { min: ms(1), max: ms(1) } } });
    sim.node('a', replicatedRedis(SERVER));
    sim.node('b', replicatedRedis({ ...SERVER, replicaOf: 'a' }));
    const log: unknown[] = [];
    sim.node('driver', drive([
      { at: ms(200), to: 'a', body: { op: 'set', key: 'x', value: 'replicated' } },
      { at: ms(500), to: 'b', body: { op: 'replicaof', master: null } },  // the failover, while a is cut off
      { at: ms(600), to: 'a', body: { op: 'set', key: 'x', value: 'alone' } }, // acknowledged by the old primary
      { at: ms(700), to: 'b', body: { op: 'set', key: 'y', value: 'new' } },
      { at: seconds(1), to: 'a', body: { op: 'replicaof', master: 'b' } },  // Sentinel demotes it on heal
      { at: seconds(1.5), to: 'b', body: { op: 'info' } },
      { at: seconds(1.5), to: 'a', body: { op: 'info' } },
    ], log));
    sim.schedule([{ at: ms(400), kind: 'partition', groups: [['a'], ['b']], duration: ms(500) }]);
    const result = sim.run(seconds(2));
    expect(log[2]).toEqual({ op: 'set', ok: true });
    expect(log.slice(-2)).toEqual([
      { op: 'info', role: 'master', master: null, offset: 2 },
      { op: 'info', role: 'replica', master: 'b', offset: 2 },
    ]);
    expect(result.probes['full resync discarded writes the old primary had acknowledged']).toBe(1);
  });
});

describe('the clients\' history, checked both ways', () => {
  const script: RedisKvScript = [
    { client: 'client-1', at: ms(500), kind: 'set', key: 'x', value: 'a' },
    { client: 'client-1', at: ms(2500), kind: 'set', key: 'x', value: 'b' },
    { client: 'client-2', at: seconds(8), kind: 'get', key: 'x' },
  ];
  const story = (partition: number) =>
    defineScenario({
      description: 'the Example 2 script, partition of a given length',
      expect: 'safe',
      ...redisSentinelSystem({ script }),
      duration: seconds(10),
      faults: () => [{ at: seconds(2), kind: 'partition', groups: [['redis-1', 'sentinel-1', 'client-1'], [...servers, ...sentinels, ...clients].filter((n) => !['redis-1', 'sentinel-1', 'client-1'].includes(n))], duration: partition }],
    });
  const read = (trace: TraceEvent[]) => facts(trace, 'op-ok').find((d) => d.f === 'get')?.value;

  it('a partition shorter than down-after-milliseconds: no failover, the write reaches the replicas, the history is linearizable', () => {
    const result = runScenario(story(ms(600)), 1, { trace: true });
    expect(result.violation).toBeUndefined();
    expect(read(result.trace!)).toBe('b');
    expect(facts(result.trace!, 'failover-authorized')).toEqual([]);
  });

  it('a partition that outlasts the failover: the acknowledged write is gone, and the checker says so', () => {
    const result = runScenario(partitionStory, 1, { trace: true });
    expect(read(result.trace!)).toBe('a');
    expect(result.violation?.property).toBe('linearizable');
    expect(result.violation?.message).toContain('client-2 get x → "a"');
  });
});

describe('a bad script is bad input', () => {
  const build = (script: RedisKvScript) => () =>
    runScenario(defineScenario({ description: 'bad script', expect: 'safe', ...redisSentinelSystem({ script }), duration: seconds(1) }), 1);

  it('names the step, and what is wrong with it', () => {
    expect(build([{ client: 'client-9', kind: 'get', key: 'x' }])).toThrow(new ConfigError("Redis key-value script, step 1: no client 'client-9' (clients: client-1, client-2, client-3)"));
    expect(build([{ client: 'client-1', at: seconds(5), kind: 'get', key: 'x' }])).toThrow(/step 1: "at" must be a true time within the run/);
    expect(build([{ client: 'client-1', kind: 'set', key: 'x' } as never])).toThrow(/a set needs a "value"/);
  });
});
