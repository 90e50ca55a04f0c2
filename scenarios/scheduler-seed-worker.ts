import { defineScenario } from '../src/kernel/index.js';
import { mixOn, schedulerSystem, WORKERS } from '../src/designs/scheduler/system.js';

/**
 * designs.txt Problem 4's TaskWorker.process_task as written, with a handler that
 * sends an e-mail every time it runs, under worker pauses and crashes: a pause past
 * the visibility timeout lets a second worker run the task, and a crash between
 * update_task(COMPLETED) and ack leaves it to be delivered again. Timings scaled
 * 100× (visibility 3 s, backoff base 0.6 s, SQS's 30 s default visibility 0.3 s).
 */
export default defineScenario({
  description: "Problem 4's process_task as written, non-idempotent e-mail handler, worker pauses and crashes",
  expect: { violates: 'effect-once' },
  seeds: 50,
  ...schedulerSystem({ worker: 'seed', election: 'raft', promotion: 'corrected', effects: 'every' }),
  faultMix: mixOn(WORKERS, { pause: 1, crash: 1 }),
});
