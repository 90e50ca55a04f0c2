import { defineScenario, seconds } from '../src/kernel/index.js';
import { collabSummary } from '../src/designs/collab-text/summary.js';
import { buildCollab, replicaNames, type CollabSystemOptions } from '../src/designs/collab-text/system.js';
import { DOCS_DURATION, docsFaultMix, docsNetwork, docsSessions } from '../src/designs/collab-text/scenarios.js';

export const crdtSystem: CollabSystemOptions = { variant: 'crdt', clients: 3, editing: { sessions: docsSessions }, duration: DOCS_DURATION, settle: seconds(1.5) };

/**
 * Variant 4: three peers, no server, an RGA (Roh et al. 2011). Typing bursts from
 * the seed; partitions (offline periods), loss, duplication and reordering, crashes
 * and pauses. Operations commute and are idempotent, so every replica that has every
 * operation holds the same text. 2,000 seeds of 8 s (typing in the first 4 s).
 */
export default defineScenario({
  description: 'Sequence CRDT (RGA) on 3 peers, no server: typing bursts, offline periods, loss, duplication, reordering, crashes',
  expect: 'safe',
  duration: DOCS_DURATION,
  seeds: 2000,
  network: docsNetwork,
  build: (world) => buildCollab(world, crdtSystem),
  faultMix: docsFaultMix(replicaNames(crdtSystem)),
  requires: ['concurrent insert at same position', 'duplicate op ignored', 'op buffered until its causes arrive'],
  summary: collabSummary,
});
