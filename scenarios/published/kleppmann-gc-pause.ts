import { defineScenario, ms, seconds } from '../../src/kernel/index.js';
import { leaseLockSystem } from '../../src/designs/lease-lock/system.js';

/**
 * Martin Kleppmann, "How to do distributed locking" (8 February 2016), the figure
 * under "Protecting a resource with a lock": client 1 takes the lease, then a
 * stop-the-world GC pause outlasts it; client 2 takes the lease and writes; client 1
 * wakes, still believing it holds the lease, and writes too: the data is corrupted.
 * The lease lasts 10 s and the pause 15 s; the lock service's last token is 32, so
 * client 1 holds token 33 and client 2 token 34, the numbers of the post's next figure
 * (kleppmann-fencing.ts: the same story with the storage checking them).
 */
export default defineScenario({
  description: "Kleppmann's lease example: client 1 pauses 15 s (GC) on a 10 s lease; client 2 takes it and writes; client 1 wakes and writes, unfenced",
  expect: { violates: 'no-double-write' },
  seeds: 10,
  ...leaseLockSystem({
    fencing: false,
    ttl: seconds(10),
    renewEvery: 'never',
    script: [
      { client: 'client-1', at: 0, kind: 'acquire' },          // token 33
      { client: 'client-1', at: seconds(1), kind: 'write' },   // due at 1 s, but the pause holds it until 15.5 s
      { client: 'client-2', at: seconds(11), kind: 'acquire' }, // the lease ran out at 10 s: token 34
      { client: 'client-2', kind: 'write' },
      { client: 'client-2', kind: 'release' },
    ],
  }),
  duration: seconds(20),
  disk: { lock: { 'last-token': 32 } },
  faults: () => [{ at: ms(500), kind: 'pause', node: 'client-1', duration: seconds(15) }],
});
