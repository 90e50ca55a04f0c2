import { describe, expect, it } from 'vitest';
import { Random } from '../../src/kernel/index.js';
import { Keyspace, type DataCommand } from '../../src/designs/redis/keyspace.js';
import type { ScriptContext } from '../../src/designs/redis/server.js';
import { seedScriptArgs, seedSlidingLogScript } from '../../src/designs/rate-limiter/scripts.js';

const limit = { limit: 2, window: 60_000_000 };

/** Runs the textbook's script on a keyspace the store reads at true time `storeNow`. */
function callScript(keyspace: Keyspace, storeNow: number, serverNow: number, random: () => number) {
  const redis: ScriptContext = { call: (command: DataCommand) => keyspace.execute(command, storeNow), random, fact: () => undefined };
  return seedSlidingLogScript(redis, ['rl:u'], seedScriptArgs(limit, serverNow));
}

describe("the seed's Lua script", () => {
  it('with random numbers that repeat, two requests in one millisecond make one member: both admitted, one counted', () => {
    const keyspace = new Keyspace();
    const reseeded = () => new Random('lua').float();
    expect(callScript(keyspace, 10_000_000, 10_000_100, reseeded)).toBe(1);
    expect(callScript(keyspace, 10_000_400, 10_000_700, reseeded)).toBe(1);
    expect(keyspace.execute({ op: 'zcard', key: 'rl:u' }, 10_000_500)).toBe(1);
    // The limit of 2 now admits a third request in the same minute.
    expect(callScript(keyspace, 11_000_000, 11_000_000, reseeded)).toBe(1);
  });

  it('with random numbers that continue, the same two requests are two members', () => {
    const keyspace = new Keyspace();
    const stream = new Random('lua');
    const continuing = () => stream.float();
    callScript(keyspace, 10_000_000, 10_000_100, continuing);
    callScript(keyspace, 10_000_400, 10_000_700, continuing);
    expect(keyspace.execute({ op: 'zcard', key: 'rl:u' }, 10_000_500)).toBe(2);
    expect(callScript(keyspace, 11_000_000, 11_000_000, continuing)).toBe(0);
  });

  it('a server whose clock is 30 s fast trims entries that are truly younger than a minute', () => {
    const keyspace = new Keyspace();
    const stream = new Random('lua');
    const random = () => stream.float();
    // An accurate server admits at true 0 s and 1 s: the limit of 2 is reached.
    expect(callScript(keyspace, 0, 0, random)).toBe(1);
    expect(callScript(keyspace, 1_000_000, 1_000_000, random)).toBe(1);
    expect(callScript(keyspace, 2_000_000, 2_000_000, random)).toBe(0);
    // At true 31 s the fast server says 61 s: ZREMRANGEBYSCORE(0, 1) removes both, and it admits a third in 31 s.
    expect(callScript(keyspace, 31_000_000, 61_000_000, random)).toBe(1);
  });
});
