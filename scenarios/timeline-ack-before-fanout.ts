import { defineScenario } from '../src/kernel/index.js';
import { SCENARIO_WORKLOAD, scenarioSystem, TIMELINE_EXEMPT, timelineFaults } from '../src/designs/timeline/chaos.js';
import { buildTimeline } from '../src/designs/timeline/system.js';

// No deletes: a delete's fan-out is lost the same way (a deleted tweet stays in some
// timelines, breaking delete-honoured), and the scenario shows one consequence.
const system = scenarioSystem({ celebrityThreshold: 8, ack: 'before-pushes', insert: 'by-id' }, { workload: { random: { ...SCENARIO_WORKLOAD, deletes: 0 } } });

/**
 * The hybrid timeline with one change: a fan-out worker acks its job as soon as it
 * takes it, before its pushes (at-most-once). A worker that crashes part-way through
 * the pushes leaves the followers it had not reached without the tweet, for good:
 * the queue has forgotten the job.
 */
export default defineScenario({
  description: 'Hybrid fan-out whose workers ack a job before pushing it; workers crash mid-fan-out and the rest of the followers never get the tweet',
  expect: { violates: 'no-holes' },
  duration: system.duration,
  seeds: 100,
  build: (world) => void buildTimeline(world, system),
  faults: (random) => timelineFaults(random, system),
  exempt: TIMELINE_EXEMPT,
});
