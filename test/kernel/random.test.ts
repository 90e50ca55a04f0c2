import seedrandom from 'seedrandom';
import { describe, expect, it } from 'vitest';
import { Random, RandomSource } from '../../src/kernel/index.js';

const draws = (source: RandomSource, name: string, n: number) => {
  const stream = source.stream(name);
  return Array.from({ length: n }, () => stream.float());
};

describe('seeded random streams', () => {
  it('give the same numbers for the same seed and name', () => {
    expect(draws(new RandomSource(7), 'workload', 5)).toEqual(draws(new RandomSource(7), 'workload', 5));
  });

  it('differ between seeds and between names', () => {
    expect(draws(new RandomSource(7), 'workload', 5)).not.toEqual(draws(new RandomSource(8), 'workload', 5));
    expect(draws(new RandomSource(7), 'workload', 5)).not.toEqual(draws(new RandomSource(7), 'faults', 5));
  });

  it('do not shift when another stream draws more', () => {
    const source = new RandomSource(7);
    const other = source.stream('node:a');
    for (let i = 0; i < 1000; i++) other.float();
    expect(draws(source, 'node:b', 5)).toEqual(draws(new RandomSource(7), 'node:b', 5));
  });

  it('are seedrandom\'s alea, number for number (the kernel steps the generator itself)', () => {
    for (const seed of ['1/node:a', '42/link:a->b', '7/world:traffic']) {
      const ours = new Random(seed);
      const theirs = seedrandom.alea(seed);
      for (let i = 0; i < 10_000; i++) expect(ours.float()).toBe(theirs());
    }
  });

  it("are seeded as seedrandom seeds alea, for seeds of any length and character (the kernel seeds the generator itself)", () => {
    const seeds = Array.from({ length: 5_000 }, (_, i) => `${i * 7919}/${['node', 'link', 'world'][i % 3]}:${'é→x'.repeat(i % 11)}-${i}`);
    for (const seed of ['', ' ', ...seeds]) {
      const ours = new Random(seed);
      const theirs = seedrandom.alea(seed);
      for (let i = 0; i < 5; i++) expect(ours.float()).toBe(theirs());
    }
  });

  it('print 32-bit ids as 8 hex digits', () => {
    const stream = new RandomSource(3).stream('ids');
    const reference = seedrandom.alea('3/ids');
    for (let i = 0; i < 1000; i++) expect(stream.hex()).toBe(Math.floor(reference() * 0x1_0000_0000).toString(16).padStart(8, '0'));
  });

  it('draw integers within both bounds', () => {
    const stream = new RandomSource(1).stream('x');
    const seen = new Set(Array.from({ length: 2000 }, () => stream.int(3, 6)));
    expect([...seen].sort()).toEqual([3, 4, 5, 6]);
  });
});
