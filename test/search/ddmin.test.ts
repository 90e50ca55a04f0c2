import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { ddmin } from '../../src/search/ddmin.js';

describe('ddmin (delta debugging over a list)', () => {
  test.prop([fc.uniqueArray(fc.integer({ min: 0, max: 39 }), { minLength: 1, maxLength: 4 }), fc.integer({ min: 1, max: 40 })])(
    'finds exactly the items a failure needs, when any superset of them fails',
    async (needed, extra) => {
      const items = Array.from({ length: Math.max(extra, ...needed.map((n) => n + 1)) }, (_, i) => i);
      const fails = (subset: number[]) => needed.every((n) => subset.includes(n));
      expect((await ddmin(items, fails)).sort((a, b) => a - b)).toEqual([...needed].sort((a, b) => a - b));
    },
  );

  test('returns nothing when the failure needs no item at all', async () => {
    expect(await ddmin([1, 2, 3], () => true)).toEqual([]);
  });

  test('returns a 1-minimal subset when the failure needs either of two alternatives', async () => {
    // Fails with {2, 5} or with {7}: whichever ddmin settles on, no single item can be removed.
    const fails = (s: number[]) => (s.includes(2) && s.includes(5)) || s.includes(7);
    const result = await ddmin([0, 1, 2, 3, 4, 5, 6, 7, 8, 9], fails);
    expect(fails(result)).toBe(true);
    for (const item of result) expect(fails(result.filter((i) => i !== item))).toBe(false);
  });

  test('tests each distinct subset once', async () => {
    const seen = new Set<string>();
    await ddmin([...Array(16).keys()], (s) => {
      const key = s.join(',');
      expect(seen.has(key)).toBe(false);
      seen.add(key);
      return s.includes(3) && s.includes(11);
    });
  });

  test('waits for an asynchronous test of a subset (a run of async workflows)', async () => {
    expect(await ddmin([1, 2, 3, 4], async (s) => s.includes(3))).toEqual([3]);
  });
});
