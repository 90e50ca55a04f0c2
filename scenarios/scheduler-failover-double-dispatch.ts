import { defineScenario, ms } from '../src/kernel/index.js';
import { mixOn, schedulerSystem, SCHEDULERS } from '../src/designs/scheduler/system.js';

/**
 * Leader failover without fencing: the schedulers lead by a lease on the store and
 * move due tasks read-then-write by their own clocks. A leader paused between reading
 * what is due and moving it resumes after another has taken over and moves the same
 * tasks again: a task already run and acked runs twice. (The same pause doubles cron
 * occurrences, judged by cron-exact; this scenario has no crons, so that it is judged
 * by the one property, effect-once.) The worker is the corrected one, so what breaks
 * is the leader's doing. Many pauses (10–40), since one must land inside a pass.
 * Handlers never fail here: with retries, the same stale pass also loses tasks (its
 * late ZREM from the delay queue removes a retry's entry), which at-least-once judges;
 * the README reports it. Timings scaled 100× (visibility 3 s, backoff base 0.6 s).
 */
export default defineScenario({
  description: 'Lease-elected schedulers moving due tasks read-then-write, unfenced; scheduler pauses and crashes; plain e-mail handler',
  expect: { violates: 'effect-once' },
  seeds: 100,
  /** Links of 2–10 ms (the store in another zone): a pass of reads and writes is long enough for a pause to land in it. */
  network: { latency: { min: ms(2), max: ms(10) } },
  ...schedulerSystem({ worker: 'corrected', election: 'lease', promotion: 'seed', effects: 'every', workload: { crons: 0 }, handler: { retryableRate: 0, fatalRate: 0 } }),
  faultMix: mixOn(SCHEDULERS, { pause: 3, crash: 1 }, [10, 40]),
});
