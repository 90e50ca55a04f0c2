import { defineScenario, seconds } from '../src/kernel/index.js';
import { clientParams, leaseLockSystem } from './gc-pause-no-fencing.js';

const system = leaseLockSystem(true);

/** The same pauses, but the storage checks fencing tokens: the stale write is refused. */
export default defineScenario({
  description: 'Lease lock with fencing tokens at the storage; the same GC pauses',
  expect: 'safe',
  duration: seconds(60),
  seeds: 200,
  params: clientParams,
  build: system.build,
  faults: system.faults,
});
