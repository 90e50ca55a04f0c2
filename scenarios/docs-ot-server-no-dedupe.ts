import { defineScenario, seconds } from '../src/kernel/index.js';
import { DOCS_DURATION, docsFaultMix, docsNetwork, docsSessions } from '../src/designs/collab-text/scenarios.js';
import { collabSummary } from '../src/designs/collab-text/summary.js';
import { buildCollab, replicaNames, type CollabSystemOptions } from '../src/designs/collab-text/system.js';

const system: CollabSystemOptions = { variant: 'ot-server', clients: 3, editing: { sessions: docsSessions }, duration: DOCS_DURATION, settle: seconds(1.5), serverDedupe: false };

/**
 * Tripwire for `intention-preservation`. OT through a central server whose server
 * takes every operation it receives as new: Jupiter (Nichols et al., UIST 1995) assumes
 * each client's connection to the server delivers every message once and in order, and
 * a server written to that assumption never checks for repeats. Here clients retransmit until acknowledged and the network
 * duplicates, so a keystroke is applied twice: the server puts a second copy of a
 * character beside the first (or back after it was deleted), and sends it to every
 * client as one more revision. The texts still converge, on the wrong text.
 */
export default defineScenario({
  description: 'OT through a central server that does not de-duplicate retransmitted operations: a keystroke is applied twice, everywhere alike',
  expect: { violates: 'intention-preservation' },
  duration: DOCS_DURATION,
  seeds: 20,
  network: docsNetwork,
  build: (world) => buildCollab(world, system),
  faultMix: docsFaultMix(replicaNames(system)),
  summary: collabSummary,
});
