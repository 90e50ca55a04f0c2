import { defineScenario, seconds } from '../src/kernel/index.js';
import { clientParams, leaseLockSystem } from './gc-pause-no-fencing.js';
import { clientFaultMix } from './lease-lock-fault-mix.js';

/** Fencing tokens at the storage hold against every fault of the mix, not just the pauses. */
export default defineScenario({
  description: 'Lease lock with fencing tokens; pauses, crashes, partitions, loss and clock jumps drawn per seed',
  expect: 'safe',
  duration: seconds(60),
  seeds: 200,
  params: clientParams,
  build: leaseLockSystem(true).build,
  faultMix: clientFaultMix,
});
