import { describe, expect, it } from 'vitest';
import {
  compareIds,
  composeId,
  composeWithNumbers,
  describeId,
  parseId,
  parseSplitNodeId,
  parseWithNumbers,
  splitNodeId,
  TIMESTAMP_BITS,
  TWITTER_EPOCH,
} from '../../src/designs/snowflake/id.js';

/** Discord's epoch, 2015-01-01T00:00:00Z (discord.com/developers/docs/reference#snowflakes). */
const DISCORD_EPOCH = 1420070400000;

describe('the ID layout: 41 bits of ms, 10 of node id, 12 of sequence', () => {
  it("gives 7129897369600172032 for the seed's worked example as printed, not the 7130486325248696320 the seed prints", () => {
    // (1699900000000 << 22) | (42 << 12) | 0: the seed's arithmetic, with no epoch.
    expect(composeId(1699900000000, 0, 42, 0)).toBe(7129897369600172032n);
    expect(composeId(1699900000000, 0, 42, 0)).not.toBe(7130486325248696320n);
  });

  it('gives 1724131680056418304 for the same timestamp with the epoch subtracted, as the code does', () => {
    expect(composeId(1699900000000, TWITTER_EPOCH, 42, 0)).toBe(1724131680056418304n);
  });

  it('parses its own IDs back into their parts (the seed parse adds Twitter’s epoch back)', () => {
    expect(parseId(1724131680056418304n)).toEqual({ timestamp: 1699900000000, nodeId: 42, sequence: 0 });
    for (const [timestamp, nodeId, sequence] of [[TWITTER_EPOCH, 0, 0], [1699900000123, 1023, 4095], [1800000000000, 511, 1]] as const) {
      expect(parseId(composeId(timestamp, TWITTER_EPOCH, nodeId, sequence))).toEqual({ timestamp, nodeId, sequence });
    }
  });

  it("parses Discord's published IDs, whose node id is 5 bits of worker and 5 of process (the datacenter split)", () => {
    // discord.com/developers/docs/reference#snowflakes: 175928847299117063 is 2016-04-30T11:18:25.796Z, worker 1, process 0, increment 7.
    const documented = parseId(175928847299117063n, DISCORD_EPOCH);
    expect(new Date(documented.timestamp).toISOString()).toBe('2016-04-30T11:18:25.796Z');
    expect(parseSplitNodeId(documented.nodeId)).toEqual({ datacenter: 1, machine: 0 });
    expect(documented.sequence).toBe(7);
    // npm discord-snowflake's README: 90339695967350784 is 1441609061949, worker 0, process 3, increment 0.
    const readme = parseId(90339695967350784n, DISCORD_EPOCH);
    expect(readme.timestamp).toBe(1441609061949);
    expect(parseSplitNodeId(readme.nodeId)).toEqual({ datacenter: 0, machine: 3 });
    expect(readme.sequence).toBe(0);
  });

  it('builds a split node id from datacenter and machine, and back', () => {
    expect(splitNodeId(1, 0)).toBe(32);
    expect(splitNodeId(31, 31)).toBe(1023);
    expect(parseSplitNodeId(splitNodeId(17, 5))).toEqual({ datacenter: 17, machine: 5 });
  });

  it('runs out of 41 bits of milliseconds on 2080-07-10T17:30:30.209Z with Twitter’s epoch: the ID no longer fits a signed 64-bit integer', () => {
    const lastMillisecond = TWITTER_EPOCH + 2 ** TIMESTAMP_BITS - 1;
    expect(new Date(lastMillisecond + 1).toISOString()).toBe('2080-07-10T17:30:30.209Z');
    expect(composeId(lastMillisecond, TWITTER_EPOCH, 1023, 4095)).toBe(2n ** 63n - 1n);
    // The seed does not mask the timestamp: one millisecond later the ID needs a 64th bit (a negative Java long).
    expect(composeId(lastMillisecond + 1, TWITTER_EPOCH, 0, 0)).toBe(2n ** 63n);
  });
});

describe('the naive port to JS numbers', () => {
  const base = 1699900000000;
  it('rounds away the low 8 bits of the sequence at 2023 timestamps: IDs of one millisecond collide', () => {
    const first = composeWithNumbers(base, TWITTER_EPOCH, 42, 0);
    expect(composeWithNumbers(base, TWITTER_EPOCH, 42, 1)).toBe(first);
    expect(composeWithNumbers(base, TWITTER_EPOCH, 42, 127)).toBe(first);
    expect(composeWithNumbers(base, TWITTER_EPOCH, 42, 129)).toBe(first + 256);
    expect(BigInt(first)).toBe(composeId(base, TWITTER_EPOCH, 42, 0));
    expect(Number.isSafeInteger(first)).toBe(false);
  });

  it('is exact while the ID stays below 2^53: in the first 4 weeks after the epoch', () => {
    const early = TWITTER_EPOCH + 2 ** 31; // 24.9 days in: (2^31 << 22) = 2^53
    expect(composeWithNumbers(early - 1, TWITTER_EPOCH, 1023, 4095)).toBe(2 ** 53 - 1);
    expect(BigInt(composeWithNumbers(early - 1, TWITTER_EPOCH, 7, 3))).toBe(composeId(early - 1, TWITTER_EPOCH, 7, 3));
  });

  it('parses back wrongly too: the sequence it reads is not the one it was given', () => {
    const id = composeWithNumbers(base, TWITTER_EPOCH, 42, 5);
    expect(parseWithNumbers(id)).toEqual({ timestamp: base, nodeId: 42, sequence: 0 });
  });

  it("is what JS's own << would make worse: it works on 32-bit integers", () => {
    expect((base - TWITTER_EPOCH) << 22).not.toBe(Number(composeId(base, TWITTER_EPOCH, 0, 0)));
  });
});

describe('compareIds', () => {
  it('orders decimal IDs as numbers without parsing them', () => {
    const ids = [0n, 9n, 10n, 4095n, 1724131680056418304n, 1724131680056418305n, 2n ** 63n - 1n];
    for (const a of ids) for (const b of ids) expect(Math.sign(compareIds(a.toString(), b.toString()))).toBe(a < b ? -1 : a > b ? 1 : 0);
  });

  it('describes an ID by its parts for breach messages', () => {
    expect(describeId('1724131680056418304')).toBe('1724131680056418304 (ms 1699900000000, node id 42, sequence 0)');
  });
});
