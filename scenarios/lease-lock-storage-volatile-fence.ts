import { defineScenario, ms, seconds, type Fault } from '../src/kernel/index.js';
import { gcPauses, leaseLockSystem } from '../src/designs/lease-lock/system.js';

/**
 * Tripwire for `tokens-never-decrease`. The fenced lease lock, but the storage keeps
 * the highest token it accepted in memory. Fencing rests on the storage remembering
 * it (Kleppmann, "How to do distributed locking", 2016: "the storage server remembers
 * that it has already processed a write with a higher token number (34), and so it
 * rejects the request with token 33"): restarted during a client's GC pause, it has
 * forgotten, and accepts the paused client's write under its old token.
 */
export default defineScenario({
  description: 'Lease lock with fencing whose storage keeps its highest token in memory; GC pauses longer than the lease, the storage restarting during them',
  expect: { violates: 'tokens-never-decrease' },
  seeds: 100,
  ...leaseLockSystem({ fencing: true, storageHighestIn: 'memory' }),
  faults(random, world, params) {
    const pauses = gcPauses(random, world, params);
    // A restart (a deploy, a crash) of the storage while the paused client still sleeps, after its lease ran out (3 s).
    const restarts = pauses.map((pause): Fault => {
      const { at, duration } = pause as Extract<Fault, { kind: 'pause' }>;
      return { at: at + random.int(seconds(3), duration - ms(200)), kind: 'crash', node: 'storage', restartAfter: random.int(ms(50), ms(150)) };
    });
    return [...pauses, ...restarts].sort((a, b) => a.at - b.at);
  },
});
