import { defineScenario } from '../src/kernel/index.js';
import { scenarioSystem, TIMELINE_EXEMPT, timelineFaults } from '../src/designs/timeline/chaos.js';
import { buildTimeline } from '../src/designs/timeline/system.js';

const system = scenarioSystem({ celebrityThreshold: 8, ack: 'after-pushes', insert: 'by-id' });

/**
 * The hybrid home timeline (Twitter's, after Krikorian's QCon 2012 talk): tweets of
 * authors with at most 8 followers are pushed into each follower's Redis list by
 * fan-out workers; celebrities' tweets are pulled from the tweet store and merged at
 * read time. Workers ack a job after its last push, the queue delivers unacked jobs
 * again, pushes are idempotent and keep the list in id order, deletes leave a
 * tombstone. Scaled down (40 users, 10 s) so 2,000 seeds check in about 15 s.
 */
export default defineScenario({
  description: 'Hybrid fan-out (push ≤ 8 followers, pull celebrities at read): ack after pushes, idempotent id-ordered pushes; workers crash, pause, clock steps; partitions, loss, reordering',
  expect: 'safe',
  duration: system.duration,
  seeds: 2000,
  build: (world) => void buildTimeline(world, system),
  faults: (random) => timelineFaults(random, system),
  requires: ['fan-out message redelivered', 'duplicate push ignored', 'celebrity merged at read', 'celebrity not pushed', 'push of deleted tweet refused'],
  exempt: TIMELINE_EXEMPT,
});
