import { describe, expect, it } from 'vitest';
import { call, ms, seconds, Simulation, sleep } from '../../src/kernel/index.js';
import { Keyspace, WrongTypeError } from '../../src/designs/redis/keyspace.js';
import { redisServer, type RedisReply } from '../../src/designs/redis/server.js';

/** The Redis commands and the persistence mode the scheduler's store added to the Redis model. */
describe('redis additions for the task store', () => {
  it('ZRANGEBYSCORE (both ends included, with a limit), ZREM, ZSCORE', () => {
    const k = new Keyspace();
    for (const [member, score] of [['a', 1], ['b', 2], ['c', 3]] as const) k.execute({ op: 'zadd', key: 'z', score, member }, 0);
    expect(k.execute({ op: 'zrangebyscore', key: 'z', min: 1, max: 2 }, 0)).toEqual(['a', 'b']);
    expect(k.execute({ op: 'zrangebyscore', key: 'z', min: -Infinity, max: Infinity, limit: 1 }, 0)).toEqual(['a']);
    expect(k.execute({ op: 'zscore', key: 'z', member: 'b' }, 0)).toBe('2');
    expect(k.execute({ op: 'zrem', key: 'z', member: 'b' }, 0)).toBe(1);
    expect(k.execute({ op: 'zrem', key: 'z', member: 'b' }, 0)).toBe(0);
    expect(k.execute({ op: 'zscore', key: 'z', member: 'b' }, 0)).toBeNull();
    expect(k.execute({ op: 'zrangebyscore', key: 'z', min: -Infinity, max: Infinity }, 0)).toEqual(['a', 'c']);
    k.execute({ op: 'zrem', key: 'z', member: 'a' }, 0);
    k.execute({ op: 'zrem', key: 'z', member: 'c' }, 0);
    expect(k.size).toBe(0);
  });

  it('HGET and HINCRBY', () => {
    const k = new Keyspace();
    k.execute({ op: 'hset', key: 'h', fields: { n: '2', s: 'x' } }, 0);
    expect(k.execute({ op: 'hget', key: 'h', field: 'n' }, 0)).toBe('2');
    expect(k.execute({ op: 'hget', key: 'h', field: 'missing' }, 0)).toBeNull();
    expect(k.execute({ op: 'hincrby', key: 'h', field: 'n', by: 3 }, 0)).toBe(5);
    expect(k.execute({ op: 'hincrby', key: 'new', field: 'n', by: 1 }, 0)).toBe(1);
    expect(() => k.execute({ op: 'hincrby', key: 'h', field: 's', by: 1 }, 0)).toThrow(WrongTypeError);
  });

  it('with appendfsync always, a crash loses nothing that was acknowledged', () => {
    const sim = new Simulation({ seed: 1, network: { latency: { min: ms(1), max: ms(1) } } });
    sim.node('redis', redisServer({ appendFsyncAlways: true }));
    const log: unknown[] = [];
    sim.node('client', (ctx) => {
      ctx.spawn((function* () {
        yield* call('redis', { op: 'zadd', key: 'z', score: 1, member: 'a' }, ms(100));
        yield* call('redis', { op: 'hset', key: 'h', fields: { f: 'v' } }, ms(100));
        yield* call('redis', { op: 'zadd', key: 'z', score: 2, member: 'b' }, ms(100));
        yield* call('redis', { op: 'zrem', key: 'z', member: 'a' }, ms(100));
        yield* sleep(seconds(2)); // crash at 1 s, restart at 1.5 s
        const reply = (command: object) => call<RedisReply>('redis', command, ms(100));
        for (const command of [{ op: 'zrangebyscore', key: 'z', min: -Infinity, max: Infinity }, { op: 'hgetall', key: 'h' }]) {
          const r = yield* reply(command);
          log.push(r.ok && 'value' in r.body ? r.body.value : 'timeout');
        }
      })());
    });
    sim.schedule([{ at: seconds(1), kind: 'crash', node: 'redis', restartAfter: ms(500) }]);
    sim.run(seconds(5));
    expect(log).toEqual([['b'], { f: 'v' }]);
  });
});
