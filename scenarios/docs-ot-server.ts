import { defineScenario, seconds } from '../src/kernel/index.js';
import { DOCS_DURATION, docsFaultMix, docsNetwork, docsSessions } from '../src/designs/collab-text/scenarios.js';
import { collabSummary } from '../src/designs/collab-text/summary.js';
import { buildCollab, replicaNames, type CollabSystemOptions } from '../src/designs/collab-text/system.js';

export const otServerSystem: CollabSystemOptions = { variant: 'ot-server', clients: 3, editing: { sessions: docsSessions }, duration: DOCS_DURATION, settle: seconds(1.5) };

/**
 * Variant 2: Jupiter / Google Wave OT (Nichols et al. 1995). The server orders every
 * operation; clients transform what arrives against their unacknowledged ones and
 * resend until acknowledged. Offline periods, loss, duplication, reordering, crashes
 * of clients and of the server (both keep their state on disk). 2,000 seeds of 8 s.
 */
export default defineScenario({
  description: 'OT through a central server (Jupiter / Wave), 3 clients: typing bursts, offline periods, loss, duplication, reordering, crashes',
  expect: 'safe',
  duration: DOCS_DURATION,
  seeds: 2000,
  network: docsNetwork,
  build: (world) => buildCollab(world, otServerSystem),
  faultMix: docsFaultMix(replicaNames(otServerSystem)),
  requires: ['transformed against unacknowledged op', 'concurrent insert at same position', 'duplicate op ignored'],
  summary: collabSummary,
});
