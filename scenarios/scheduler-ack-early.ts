import { defineScenario } from '../src/kernel/index.js';
import { mixOn, schedulerSystem, WORKERS } from '../src/designs/scheduler/system.js';

/**
 * Tripwire for `at-least-once`. The seed's worker with its ack moved before the
 * handler: Celery's default early acknowledgment (docs.celeryq.dev, glossary, "early
 * acknowledgment": the task "won't be redelivered to another worker if the machine
 * loses power, or the worker instance is abruptly killed, mid-execution"). Idempotent
 * effects and the fenced Raft leader, so nothing runs twice; a worker that crashes
 * between the ack and recording the outcome loses its task for good.
 */
export default defineScenario({
  description: 'Scheduler whose workers ack a task on receipt, before running it (early acknowledgment); worker crashes',
  expect: { violates: 'at-least-once' },
  seeds: 20,
  ...schedulerSystem({ worker: 'ack-early', election: 'raft', promotion: 'corrected', effects: 'by-task' }),
  faultMix: mixOn(WORKERS, { crash: 1 }),
});
