import { fc, test } from '@fast-check/vitest';
import { expect } from 'vitest';
import { Keyspace } from '../../src/designs/redis/keyspace.js';
import { decideOn, slidingLog } from '../../src/designs/rate-limiter/algorithms.js';

/** For any request sequence, the atomic sliding log never admits more than L in any window of W. */
test.prop([
  fc.integer({ min: 1, max: 5 }),
  fc.integer({ min: 1, max: 1_000 }),
  fc.array(fc.integer({ min: 0, max: 300 }), { minLength: 1, maxLength: 200 }),
])('atomic sliding log: at most L admitted in every window of length W', (limit, window, gaps) => {
  const keyspace = new Keyspace();
  let t = 0;
  const admitted: number[] = [];
  gaps.forEach((gap, i) => {
    t += gap;
    if (decideOn((c) => keyspace.execute(c, t), slidingLog, 'rl:u', t, { limit, window }, String(i)).allowed) admitted.push(t);
  });
  // Every window [a, a + W) starting at an admission (the fullest windows start at one).
  for (const start of admitted) {
    expect(admitted.filter((x) => x >= start && x < start + window).length).toBeLessThanOrEqual(limit);
  }
});
