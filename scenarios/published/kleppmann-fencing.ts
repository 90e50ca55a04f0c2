import { defineScenario, ms, seconds } from '../../src/kernel/index.js';
import { leaseLockSystem } from '../../src/designs/lease-lock/system.js';

/**
 * Martin Kleppmann, "How to do distributed locking" (8 February 2016), "Making the
 * lock safe with fencing": client 1 gets the lease with token 33 and pauses past its
 * expiry; client 2 gets token 34 and writes with it; client 1 wakes and writes with
 * 33, and the storage, which has already processed 34, rejects it. The timeline of
 * kleppmann-gc-pause.ts, with the storage checking tokens: safe.
 */
export default defineScenario({
  description: "Kleppmann's fencing example: tokens 33 and 34, a 15 s GC pause on a 10 s lease; the storage refuses token 33 after 34",
  expect: 'safe',
  seeds: 10,
  ...leaseLockSystem({
    fencing: true,
    ttl: seconds(10),
    renewEvery: 'never',
    script: [
      { client: 'client-1', at: 0, kind: 'acquire' },          // token 33
      { client: 'client-1', at: seconds(1), kind: 'write' },   // due at 1 s, held by the pause until 15.5 s
      { client: 'client-2', at: seconds(11), kind: 'acquire' }, // token 34
      { client: 'client-2', kind: 'write' },
      { client: 'client-2', kind: 'release' },
    ],
  }),
  duration: seconds(20),
  disk: { lock: { 'last-token': 32 } },
  faults: () => [{ at: ms(500), kind: 'pause', node: 'client-1', duration: seconds(15) }],
  requires: ['stale token refused by storage'],
  exempt: { '*': 'a published story: its faults are the source\'s timeline, not a mix meant to reach every role' },
});
