import { defineScenario } from '../src/kernel/index.js';
import { everyFault, schedulerSystem } from '../src/designs/scheduler/system.js';

/**
 * The corrected scheduler: claim and visibility set in one step at the pull, a claim
 * token per attempt carried by the effect, heartbeats extending visibility, completion
 * and failure each one step on the store's clock; a Raft-elected leader whose
 * promotions the store fences by its leadership token; an e-mail provider that keys
 * effects by task id. The seed's timings are scaled down 100× (visibility 3 s,
 * backoff base 0.6 s), keeping their ratios.
 */
export default defineScenario({
  description: 'Corrected scheduler (claim at pull, claim tokens, heartbeats, store-clock backoff, fenced Raft leader, idempotent effects) under crashes, pauses, clock faults, partitions and lossy links',
  expect: 'safe',
  seeds: 2000,
  ...schedulerSystem({ worker: 'corrected', election: 'raft', promotion: 'corrected', effects: 'by-task' }),
  faults: (random) => everyFault(random),
  requires: ['visibility expired while the handler ran', 'ack after expiry refused', 'duplicate effect suppressed by the task key', 'stale leader refused by the fence'],
  exempt: {
    client: 'the submitter defines the schedule: its clock is the reference the tasks are due by, and a submission is retried until it lands',
    store: "the store's clock is the one time source the corrected design trusts (visibility, backoff and due times are all read on it); it is crashed and paused, not clock-shifted",
    mailer: "the e-mail provider is someone else's system of record: it is the ground truth the effects are counted in",
  },
});
