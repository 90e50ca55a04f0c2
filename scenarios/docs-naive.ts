import { defineScenario, seconds } from '../src/kernel/index.js';
import { DOCS_DURATION, docsFaultMix, docsNetwork, docsSessions } from '../src/designs/collab-text/scenarios.js';
import { collabSummary } from '../src/designs/collab-text/summary.js';
import { buildCollab, replicaNames, type CollabSystemOptions } from '../src/designs/collab-text/system.js';

const naiveSystem: CollabSystemOptions = { variant: 'naive', clients: 3, editing: { sessions: docsSessions }, duration: DOCS_DURATION, settle: seconds(1.5) };

/**
 * Variant 1: three peers apply each other's keystrokes at the index they were typed
 * at, as they arrive. Delivery is reliable (retransmission, duplicates ignored), so
 * what breaks is the missing transformation: two concurrent edits land at different
 * places at different sites. Seeds to the first violation over 20 ranges
 * (`bench/swarm.ts`): median 1, at most 3; 20 seeds leave a wide margin.
 */
export default defineScenario({
  description: 'Naive: remote edits applied by index, no transformation; 3 peers, typing bursts, the same faults as the safe variants',
  expect: { violates: 'convergence' },
  duration: DOCS_DURATION,
  seeds: 20,
  network: docsNetwork,
  build: (world) => buildCollab(world, naiveSystem),
  faultMix: docsFaultMix(replicaNames(naiveSystem)),
  summary: collabSummary,
});
