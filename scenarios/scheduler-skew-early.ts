import { defineScenario } from '../src/kernel/index.js';
import { mixOn, schedulerSystem, SCHEDULERS } from '../src/designs/scheduler/system.js';

/**
 * The leader moves due tasks by its own clock (the seed's "scheduler" reading
 * `now` locally): a scheduler whose clock jumps ahead or runs fast moves tasks to
 * the ready queue before they are due, and workers start them early in true time.
 * Leader elected by Raft; corrected worker and idempotent effects, so only the clock
 * is at fault. Timings scaled 100× (visibility 3 s, backoff base 0.6 s).
 */
export default defineScenario({
  description: 'Raft-elected scheduler moving due tasks by its own clock; clock jumps and drift on the schedulers',
  expect: { violates: 'not-early' },
  seeds: 50,
  ...schedulerSystem({ worker: 'corrected', election: 'raft', promotion: 'seed', effects: 'by-task' }),
  faultMix: mixOn(SCHEDULERS, { 'clock-jump': 1, 'clock-drift': 1 }),
});
