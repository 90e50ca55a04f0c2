import { defineScenario } from '../src/kernel/index.js';
import { clientFaultMix, leaseLockSystem } from '../src/designs/lease-lock/system.js';

/** Fencing tokens at the storage hold against every fault of the mix, not just the pauses. */
export default defineScenario({
  description: 'Lease lock with fencing tokens; pauses, crashes, partitions, loss and clock jumps drawn per seed',
  expect: 'safe',
  seeds: 200,
  ...leaseLockSystem({ fencing: true }),
  faultMix: clientFaultMix,
});
