import { describe, expect, it } from 'vitest';
import { call, ms, seconds, Simulation, sleep, type Fault, type NodeModel } from '../../src/kernel/index.js';
import { redisServer, type RedisOptions, type RedisReply } from '../../src/designs/redis/server.js';

/** Runs a client workflow against Redis nodes; returns what it recorded. */
function withRedis(servers: Record<string, RedisOptions>, client: (log: unknown[]) => NodeModel, faults: Fault[] = []): unknown[] {
  const sim = new Simulation({ seed: 1, network: { latency: { min: ms(1), max: ms(1) } } });
  for (const [id, options] of Object.entries(servers)) sim.node(id, redisServer(options));
  const log: unknown[] = [];
  sim.node('client', client(log));
  sim.schedule(faults);
  sim.run(seconds(10));
  return log;
}

const valueOf = (reply: { ok: boolean; body?: RedisReply }) => (reply.ok && reply.body && 'value' in reply.body ? reply.body.value : reply.ok ? reply.body : 'timeout');

describe('redis server', () => {
  it('loses what it had not persisted when it crashes, and keeps its last snapshot', () => {
    const log = withRedis(
      { redis: { snapshotInterval: seconds(1) } },
      (log) => (ctx) => {
        ctx.spawn((function* () {
          yield* call('redis', { op: 'set', key: 'early', value: '1' }, ms(100));
          yield* sleep(seconds(1.5));
          yield* call('redis', { op: 'set', key: 'late', value: '2' }, ms(100));
          yield* sleep(seconds(2)); // crash at 1.8 s, restart at 2.3 s
          log.push(valueOf(yield* call('redis', { op: 'get', key: 'early' }, ms(100))));
          log.push(valueOf(yield* call('redis', { op: 'get', key: 'late' }, ms(100))));
        })());
      },
      [{ at: seconds(1.8), kind: 'crash', node: 'redis', restartAfter: ms(500) }],
    );
    expect(log).toEqual(['1', null]);
  });

  it('replicates asynchronously: a promoted replica lacks the writes not yet shipped', () => {
    const log = withRedis(
      { primary: { replicas: ['replica'], replicationInterval: seconds(1) }, replica: { replica: true } },
      (log) => (ctx) => {
        ctx.spawn((function* () {
          yield* call('primary', { op: 'zadd', key: 'z', score: 1, member: 'a' }, ms(100));
          yield* sleep(seconds(1.2)); // shipped at 1 s
          yield* call('primary', { op: 'zadd', key: 'z', score: 2, member: 'b' }, ms(100));
          log.push((yield* call<RedisReply>('replica', { op: 'zadd', key: 'z', score: 3, member: 'c' }, ms(100))).ok);
          ctx.send('replica', { op: 'promote' });
          yield* sleep(ms(10));
          log.push(valueOf(yield* call('replica', { op: 'zcard', key: 'z' }, ms(100))));
        })());
      },
      [{ at: seconds(1.5), kind: 'crash', node: 'primary' }],
    );
    expect(log).toEqual([true, 1]);
  });

  it('answers a replica write with READONLY', () => {
    const log = withRedis({ replica: { replica: true } }, (log) => (ctx) => {
      ctx.spawn((function* () {
        const reply = yield* call<RedisReply>('replica', { op: 'incr', key: 'n' }, ms(100));
        log.push(reply.ok ? reply.body : 'timeout');
      })());
    });
    expect(log).toEqual([{ op: 'error', error: 'READONLY' }]);
  });

  it('runs one command at a time: with a cost per command, a pipeline answers after all of it', () => {
    const log = withRedis({ redis: { commandCost: 100 } }, (log) => (ctx) => {
      ctx.spawn((function* () {
        const start = ctx.now();
        yield* call('redis', { op: 'pipeline', commands: Array.from({ length: 50 }, () => ({ op: 'incr', key: 'n' })) }, seconds(1));
        log.push(ctx.now() - start);
      })());
    });
    // 1 ms each way plus 50 × 100 µs on the single thread.
    expect(log).toEqual([ms(2) + 5_000]);
  });

  it('reseeds the script PRNG per call when told to, as Redis before 7 did', () => {
    const draw = (scriptRandom: RedisOptions['scriptRandom']) =>
      withRedis({ redis: { scriptRandom, scripts: { draw: (redis) => String(redis.random()) } } }, (log) => (ctx) => {
        ctx.spawn((function* () {
          for (let i = 0; i < 2; i++) log.push(valueOf(yield* call('redis', { op: 'eval', script: 'draw', keys: [], args: [] }, ms(100))));
        })());
      });
    const [a, b] = draw('reseeded-per-call');
    expect(a).toBe(b);
    const [c, d] = draw('continuing');
    expect(c).not.toBe(d);
  });
});
