import { defineScenario } from '../src/kernel/index.js';
import { BBA, cdnSystem, FAULTED, oneAtATime } from '../src/designs/cdn/system.js';

/**
 * Edges without request coalescing: every miss is its own origin fetch. When the
 * premiere crowd asks its edge for segments nobody has fetched yet, when a popular
 * segment expires, or when an edge fails and its viewers move to a cold one, every
 * viewer's miss reaches the origin at once (a cache stampede). Same world, faults
 * and players as cdn-coalescing-bba.
 */
export default defineScenario({
  description: 'Video delivery: edges without request coalescing, plain consistent hashing, BBA-0 players; a premiere crowd, expiries and edge failures stampede the origin',
  expect: { violates: 'origin-load-bound' },
  seeds: 20,
  ...cdnSystem({ coalescing: false, placement: { kind: 'consistent' }, abr: BBA }),
  faults: (random) => oneAtATime(random, FAULTED),
});
