import { defineScenario, ms, seconds } from '../../src/kernel/index.js';
import { masters, redlockSystemWith } from '../../src/designs/redlock/system.js';

/**
 * redis.io, "Distributed Locks with Redis", "Performance, crash recovery and fsync":
 * the fix for an instance that restarts empty is a delayed restart, keeping it
 * unavailable for a bit more than the longest TTL, so every lock it took part in has
 * expired. The timeline of redlock-restart-immediate.ts, with C down for 1.2 s on a
 * 1 s TTL: client 2 reaches only D and E and fails; it retries at 1.5 s, when client 1
 * is long done. Safe, as the page claims.
 */
const [a, b, c, d, e] = masters;
export default defineScenario({
  description: 'Redlock, a master client 1 locked crashes and stays down past the TTL (delayed restart); client 2 waits its turn',
  expect: 'safe',
  seeds: 10,
  ...redlockSystemWith({
    validity: 'positive',
    script: [
      { client: 'client-1', at: ms(10), kind: 'acquire' },
      { client: 'client-1', kind: 'wait', duration: ms(600) },
      { client: 'client-1', kind: 'write' },
      { client: 'client-1', kind: 'release' },
      { client: 'client-2', at: ms(300), kind: 'acquire' }, // D and E only: refused
      { client: 'client-2', kind: 'release' },
      { client: 'client-2', at: ms(1500), kind: 'acquire' },
      { client: 'client-2', kind: 'write' },
      { client: 'client-2', kind: 'release' },
    ],
  }),
  duration: seconds(2),
  faults: () => [
    { at: 0, kind: 'drop-messages', from: ['client-1'], to: [d!, e!], duration: ms(100) },
    { at: ms(200), kind: 'crash', node: c!, restartAfter: ms(1200) },
    { at: ms(250), kind: 'drop-messages', from: ['client-2'], to: [a!, b!], duration: ms(200) },
  ],
  exempt: { '*': 'a published story: its faults are the source\'s timeline, not a mix meant to reach every role' },
});
