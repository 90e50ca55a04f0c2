import { defineScenario } from '../src/kernel/index.js';
import { SCENARIO_WORKLOAD, scenarioSystem, TIMELINE_EXEMPT, timelineFaults } from '../src/designs/timeline/chaos.js';
import { buildTimeline } from '../src/designs/timeline/system.js';

// Deletes three times as often as in the other scenarios (30% of writes), so more of them race a fan-out.
const system = scenarioSystem({ celebrityThreshold: 8, ack: 'after-pushes', insert: 'by-id', tombstone: false }, { workload: { random: { ...SCENARIO_WORKLOAD, deletes: 0.3 } } });

/**
 * Tripwire for `delete-honoured`. The hybrid timeline whose delete fan-out only
 * removes the tweet from the lists (LREM), with no tombstone: a push of the tweet
 * still under way (another worker's fan-out, or a redelivered job) lands after the
 * removal and puts the deleted tweet back for good. The resurrection a replicated
 * store suffers once a delete's tombstone is gone (Cassandra's documentation on
 * deletes: a replica that missed the delete brings the data back, "zombies").
 */
export default defineScenario({
  description: 'Hybrid fan-out whose deletes remove the tweet from timelines without a tombstone; a late push puts it back',
  expect: { violates: 'delete-honoured' },
  duration: system.duration,
  seeds: 150,
  build: (world) => void buildTimeline(world, system),
  faults: (random) => timelineFaults(random, system),
  exempt: TIMELINE_EXEMPT,
});
