import { defineScenario, ms, seconds } from '../src/kernel/index.js';
import { mixOn, schedulerSystem, SCHEDULERS } from '../src/designs/scheduler/system.js';

/**
 * The failover of scheduler-failover-double-dispatch seen on recurring tasks: a
 * lease leader paused between reading a cron's next occurrence and creating it
 * resumes after another leader has created it, and creates it again under a fresh
 * id. Three crons every second and no one-time tasks; the e-mail sender is keyed by
 * task id, so the doubled occurrence (two task ids) is judged by cron-exact alone.
 * Handlers never fail here: with retries, the same stale pass also loses tasks (its
 * late ZREM from the delay queue removes a retry's entry), which at-least-once judges;
 * the README reports it. Timings scaled 100× (visibility 3 s, backoff base 0.6 s).
 */
export default defineScenario({
  description: 'Lease-elected schedulers creating cron occurrences read-then-write, unfenced; scheduler pauses and crashes',
  expect: { violates: 'cron-exact' },
  seeds: 100,
  /** Links of 2–10 ms (the store in another zone), as in scheduler-failover-double-dispatch. */
  network: { latency: { min: ms(2), max: ms(10) } },
  ...schedulerSystem({ worker: 'corrected', election: 'lease', promotion: 'seed', effects: 'by-task', workload: { tasks: 0, crons: 3, every: seconds(1) }, handler: { retryableRate: 0, fatalRate: 0 } }),
  faultMix: mixOn(SCHEDULERS, { pause: 3, crash: 1 }, [10, 40]),
});
