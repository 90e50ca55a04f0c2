import { defineScenario, ms, seconds } from '../../src/kernel/index.js';
import { masters, redlockSystemWith } from '../../src/designs/redlock/system.js';

/**
 * Martin Kleppmann, "How to do distributed locking" (8 February 2016), "Breaking
 * Redlock with bad timings": client 1 locks A, B and C while D and E cannot be reached;
 * the clock on C jumps forward and the key expires there; client 2 locks C, D and E
 * while A and B cannot be reached; both now believe they hold the lock. Here A–E are
 * redis-1 … redis-5, the TTL 1 s, and the clients check validity > 0 as the published
 * algorithm (redis.io, "Distributed Locks with Redis", step 3) says.
 */
const [a, b, c, d, e] = masters;
export default defineScenario({
  description: "Kleppmann's Redlock timeline: client 1 locks A B C, C's clock jumps forward, client 2 locks C D E",
  expect: { violates: 'mutual-exclusion' },
  seeds: 10,
  ...redlockSystemWith({
    validity: 'positive',
    script: [
      { client: 'client-1', at: ms(10), kind: 'acquire' },
      { client: 'client-1', kind: 'wait', duration: ms(600) }, // working, well within its validity
      { client: 'client-1', kind: 'write' },
      { client: 'client-1', kind: 'release' },
      { client: 'client-2', at: ms(300), kind: 'acquire' },
      { client: 'client-2', kind: 'write' },
      { client: 'client-2', kind: 'release' },
    ],
  }),
  duration: seconds(2),
  faults: () => [
    { at: 0, kind: 'drop-messages', from: ['client-1'], to: [d!, e!], duration: ms(100) },
    { at: ms(200), kind: 'clock-jump', node: c!, delta: seconds(2) },
    { at: ms(250), kind: 'drop-messages', from: ['client-2'], to: [a!, b!], duration: ms(200) },
  ],
});
