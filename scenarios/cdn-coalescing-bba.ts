import { defineScenario } from '../src/kernel/index.js';
import { BBA, cdnSystem, EXEMPT, FAULTED, oneAtATime } from '../src/designs/cdn/system.js';

/**
 * The corrected video delivery network: edges coalesce misses (one origin fetch per
 * segment per edge), steering places plays by consistent hashing with bounded loads
 * (ε = 0.25), players pick rungs by BBA-0. A premiere crowd of 8 and 8 other viewers
 * on 4 edges, links swinging between 450 kb/s and 8 Mb/s; edges and steering crash,
 * pause and have their clocks stepped, one at a time. Scaled down (16 viewers, 40 s
 * videos, 60 s runs) so that 2,000 seeds check in seconds.
 */
export default defineScenario({
  description: 'Video delivery: coalescing edges, bounded-load consistent hashing, BBA-0 players; edge and steering crashes, pauses, clock steps one at a time',
  expect: 'safe',
  seeds: 2000,
  ...cdnSystem({ coalescing: true, placement: { kind: 'bounded', epsilon: 0.25 }, abr: BBA }),
  faults: (random) => oneAtATime(random, FAULTED),
  requires: ['request coalesced', 'cached segment expired', 'player failed over to the next edge', 'steered past a full edge', 'steered past a suspected edge'],
  exempt: EXEMPT,
});
