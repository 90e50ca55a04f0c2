import { defineScenario, ms, seconds } from '../../src/kernel/index.js';
import { masters, redlockSystemWith } from '../../src/designs/redlock/system.js';

/**
 * redis.io, "Distributed Locks with Redis", "Performance, crash recovery and fsync":
 * without persistence, a client locks 3 of 5 instances, one of them restarts (empty),
 * and another client can lock the resource on 3 again, violating exclusivity. Here
 * client 1 locks A, B and C (D and E unreachable); C = redis-3 crashes and restarts
 * at once; client 2 locks C, D and E (A and B unreachable) while client 1 still works.
 * (redlock-restart-delayed.ts: the page's fix, a restart delayed past the TTL.)
 */
const [a, b, c, d, e] = masters;
export default defineScenario({
  description: 'Redlock, a master client 1 locked crashes and restarts at once, empty; client 2 locks it and 2 others',
  expect: { violates: 'mutual-exclusion' },
  seeds: 10,
  ...redlockSystemWith({
    validity: 'positive',
    script: [
      { client: 'client-1', at: ms(10), kind: 'acquire' },
      { client: 'client-1', kind: 'wait', duration: ms(600) },
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
    { at: ms(200), kind: 'crash', node: c!, restartAfter: 0 },
    { at: ms(250), kind: 'drop-messages', from: ['client-2'], to: [a!, b!], duration: ms(200) },
  ],
});
