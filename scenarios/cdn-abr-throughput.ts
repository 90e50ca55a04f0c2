import { defineScenario } from '../src/kernel/index.js';
import { cdnSystem, THROUGHPUT } from '../src/designs/cdn/system.js';

/**
 * Players that pick each segment's rung from the last throughput sample. A sample
 * taken while the link is good commits the player to a high rung; when the link
 * turns bad mid-segment (still 1.5× the lowest rung or more), that segment takes
 * longer than the media left in the buffer and the picture freezes. No faults: the
 * bandwidth alone does it. Same world as cdn-coalescing-bba, same CDN.
 */
export default defineScenario({
  description: 'Video delivery: players choosing rungs from the last throughput sample, links swinging between 450 kb/s and 8 Mb/s; no faults',
  expect: { violates: 'no-rebuffering' },
  seeds: 20,
  ...cdnSystem({ coalescing: true, placement: { kind: 'bounded', epsilon: 0.25 }, abr: THROUGHPUT }),
});
