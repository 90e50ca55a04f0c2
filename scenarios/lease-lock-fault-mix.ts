import { defineScenario, ms, seconds, type FaultMix, type Params, type World } from '../src/kernel/index.js';
import { clientParams, leaseLockSystem } from './gc-pause-no-fencing.js';

/**
 * Every kind of fault a client can suffer, equally likely, drawn per seed: pauses
 * (the one that breaks an unfenced lease), and crashes, partitions, lossy links
 * and clock jumps around it. With `--swarm` each seed keeps only some of the kinds.
 */
export function clientFaultMix(world: World, _params: Params<'clients'>): FaultMix {
  return {
    count: [2, 12],
    window: [ms(500), seconds(50)],
    weights: { pause: 1, crash: 1, partition: 1, degrade: 1, 'clock-jump': 1 },
    nodes: world.nodeIds.filter((id) => id.startsWith('client-')),
    partitionable: [...world.nodeIds],
    duration: [ms(200), seconds(6)],
    maxJump: seconds(2),
  };
}

/** The unfenced lease lock again, but under a drawn mix of every fault rather than scripted pauses. */
export default defineScenario({
  description: 'Lease lock without fencing tokens; pauses, crashes, partitions, loss and clock jumps drawn per seed',
  expect: { violates: 'no-double-write' },
  duration: seconds(60),
  seeds: 100,
  params: clientParams,
  build: leaseLockSystem(false).build,
  faultMix: clientFaultMix,
});
