import { defineScenario, seconds } from '../../src/kernel/index.js';
import { leaseLockSystem } from '../../src/designs/lease-lock/system.js';

/**
 * Martin Kleppmann, "How to do distributed locking" (8 February 2016): if process
 * pauses do not convince you, the write request may instead be delayed in the
 * network before it reaches the storage (he cites GitHub's incident of packets
 * delayed about 90 seconds). Client 1 writes under token 33 while it holds the lease;
 * the request is held in the network for 15 s; the lease runs out at 10 s, client 2
 * takes it (token 34) and writes; then client 1's old request arrives. Unfenced, the
 * storage accepts it. (kleppmann-fencing.ts: the token check refuses such a write.)
 */
export default defineScenario({
  description: "Kleppmann's network-delay variant: client 1's write, sent under a 10 s lease, is held 15 s in the network and lands after client 2's",
  expect: { violates: 'no-double-write' },
  seeds: 10,
  ...leaseLockSystem({
    fencing: false,
    ttl: seconds(10),
    renewEvery: 'never',
    script: [
      { client: 'client-1', at: 0, kind: 'acquire' },          // token 33
      { client: 'client-1', at: seconds(1), kind: 'write' },   // sent at once, delivered at 16 s
      { client: 'client-2', at: seconds(11), kind: 'acquire' }, // token 34
      { client: 'client-2', kind: 'write' },
      { client: 'client-2', kind: 'release' },
    ],
  }),
  duration: seconds(20),
  disk: { lock: { 'last-token': 32 } },
  faults: () => [{ at: seconds(1), kind: 'hold-messages', from: ['client-1'], to: ['storage'], types: ['write'], duration: seconds(15) }],
});
