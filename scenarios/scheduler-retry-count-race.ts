import { defineScenario, ms, seconds } from '../src/kernel/index.js';
import { schedulerSystem } from '../src/designs/scheduler/system.js';

/**
 * The seed's retry count comes from the snapshot the worker pulled: when a slow
 * attempt outlives its visibility timeout, a second worker pulls the same task, and
 * if both fail they both write retry_count + 1 from the same snapshot. The task
 * then runs more than max_retries + 1 times, each failure recorded. No faults at
 * all: slow handlers (a third outlast the 3 s visibility) and frequent retryable
 * errors suffice. Timings scaled 100× (visibility 3 s, backoff base 0.6 s).
 */
export default defineScenario({
  description: "Problem 4's process_task as written; slow, often failing handlers; no faults",
  expect: { violates: 'retries-bounded' },
  seeds: 50,
  ...schedulerSystem({
    worker: 'seed', election: 'raft', promotion: 'corrected', effects: 'by-task', workload: { tasks: 15, crons: 0 },
    handler: { slowRate: 0.3, slow: [seconds(2), seconds(5)], retryableRate: 0.6, fatalRate: 0, duration: [ms(50), ms(500)] },
  }),
});
