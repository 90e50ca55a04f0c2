import { defineScenario } from '../src/kernel/index.js';
import { clientFaultMix, leaseLockSystem } from '../src/designs/lease-lock/system.js';

/** The unfenced lease lock again, but under a drawn mix of every fault rather than scripted pauses. */
export default defineScenario({
  description: 'Lease lock without fencing tokens; pauses, crashes, partitions, loss and clock jumps drawn per seed',
  expect: { violates: 'no-double-write' },
  seeds: 100,
  ...leaseLockSystem({ fencing: false }),
  faultMix: clientFaultMix,
});
