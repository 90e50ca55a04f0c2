import { defineScenario, ms, seconds } from '../src/kernel/index.js';
import { redlockSystem } from '../src/designs/redlock/system.js';

/**
 * Redlock as in redlock-skew, but under a drawn mix of every fault on any node:
 * clock jumps, pauses, crashes (a master restarts empty), partitions and loss.
 * With `--swarm` each seed keeps only some of the kinds.
 */
export default defineScenario({
  description: 'Redlock over 5 Redis masters; clock jumps, pauses, crashes, partitions and loss drawn per seed',
  expect: { violates: 'mutual-exclusion' },
  seeds: 100,
  ...redlockSystem,
  faultMix: (world) => ({
    count: [2, 12],
    window: [ms(500), seconds(19)],
    weights: { pause: 1, crash: 1, partition: 1, degrade: 1, 'clock-jump': 1 },
    nodes: [...world.nodeIds].filter((id) => id !== 'storage'),
    duration: [ms(50), seconds(2)],
    maxJump: ms(1500),
  }),
});
