import { defineScenario } from '../src/kernel/index.js';
import { scenarioSystem, TIMELINE_EXEMPT, timelineFaults } from '../src/designs/timeline/chaos.js';
import { buildTimeline } from '../src/designs/timeline/system.js';

const system = scenarioSystem({ celebrityThreshold: Infinity, ack: 'after-pushes', insert: 'arrival' });

/**
 * Fan-out on write where a push is LPUSH: a timeline is in the order the pushes
 * arrived, and the reader returns it as it is. Three workers fan out concurrently
 * over links that reorder, so a later tweet's push can land before an earlier one's:
 * the timeline is no longer newest first.
 */
export default defineScenario({
  description: 'Fan-out on write with LPUSH (order of arrival, not of id), three concurrent workers, links that reorder: timelines out of id order',
  expect: { violates: 'order' },
  duration: system.duration,
  seeds: 50,
  build: (world) => void buildTimeline(world, system),
  faults: (random) => timelineFaults(random, system),
  exempt: TIMELINE_EXEMPT,
});
