import { describe, expect, it } from 'vitest';
import { Keyspace, WrongTypeError } from '../../src/designs/redis/keyspace.js';

describe('keyspace', () => {
  it('strings: SET, GET, INCR, INCRBY', () => {
    const k = new Keyspace();
    expect(k.execute({ op: 'incr', key: 'n' }, 0)).toBe(1);
    expect(k.execute({ op: 'incrby', key: 'n', by: 5 }, 0)).toBe(6);
    k.execute({ op: 'set', key: 's', value: 'x' }, 0);
    expect(k.execute({ op: 'get', key: 's' }, 0)).toBe('x');
    expect(() => k.execute({ op: 'incr', key: 's' }, 0)).toThrow(WrongTypeError);
  });
  it('expires keys by the clock it is read with, keeping the expiry through INCR', () => {
    const k = new Keyspace();
    k.execute({ op: 'set', key: 'n', value: '1', ttl: 100 }, 1_000);
    k.execute({ op: 'incr', key: 'n' }, 1_050);
    expect(k.execute({ op: 'get', key: 'n' }, 1_099)).toBe('2');
    expect(k.execute({ op: 'get', key: 'n' }, 1_100)).toBeNull();
  });
  it('sorted sets: ZADD of an existing member adds nothing; ZREMRANGEBYSCORE includes both ends', () => {
    const k = new Keyspace();
    expect(k.execute({ op: 'zadd', key: 'z', score: 1, member: 'a' }, 0)).toBe(1);
    expect(k.execute({ op: 'zadd', key: 'z', score: 1, member: 'a' }, 0)).toBe(0);
    k.execute({ op: 'zadd', key: 'z', score: 2, member: 'b' }, 0);
    k.execute({ op: 'zadd', key: 'z', score: 3, member: 'c' }, 0);
    expect(k.execute({ op: 'zremrangebyscore', key: 'z', min: 0, max: 2 }, 0)).toBe(2);
    expect(k.execute({ op: 'zcard', key: 'z' }, 0)).toBe(1);
  });
  it('hashes: HSET and HGETALL', () => {
    const k = new Keyspace();
    expect(k.execute({ op: 'hset', key: 'h', fields: { a: '1', b: '2' } }, 0)).toBe(2);
    expect(k.execute({ op: 'hset', key: 'h', fields: { a: '3' } }, 0)).toBe(0);
    expect(k.execute({ op: 'hgetall', key: 'h' }, 0)).toEqual({ a: '3', b: '2' });
  });
  it('reports memory per key and in total', () => {
    const k = new Keyspace();
    for (let i = 0; i < 3; i++) k.execute({ op: 'zadd', key: 'z', score: i, member: `m${i}` }, 0);
    k.execute({ op: 'set', key: 'n', value: '12' }, 0);
    expect(k.memory('z', 0)).toEqual({ entries: 3, bytes: 51 + 3 * (2 + 11) });
    expect(k.memory('n', 0)).toEqual({ entries: 1, bytes: 51 });
    expect(k.totalMemory(0)).toEqual({ keys: 2, entries: 4, bytes: 51 + 39 + 51 });
  });
  it('snapshots and restores every type', () => {
    const k = new Keyspace();
    k.execute({ op: 'zadd', key: 'z', score: 1, member: 'a' }, 0);
    k.execute({ op: 'hset', key: 'h', fields: { f: 'v' } }, 0);
    k.execute({ op: 'set', key: 's', value: 'x', ttl: 10 }, 0);
    const copy = new Keyspace();
    copy.restore(k.snapshot());
    expect(copy.snapshot()).toEqual(k.snapshot());
  });
});
