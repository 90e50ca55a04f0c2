import { defineScenario, ms, seconds } from '../src/kernel/index.js';
import { DOCS_DURATION, docsFaultMix, docsNetwork, docsSessions } from '../src/designs/collab-text/scenarios.js';
import { collabSummary } from '../src/designs/collab-text/summary.js';
import { buildCollab, replicaNames, type CollabSystemOptions } from '../src/designs/collab-text/system.js';

// Typing only: a lost delete is lost too, but only an insert is a keystroke the property protects.
const system: CollabSystemOptions = {
  variant: 'crdt',
  clients: 3,
  editing: { sessions: { ...docsSessions, deleteShare: 0 } },
  duration: DOCS_DURATION,
  settle: seconds(1.5),
  batchReceivedWrites: ms(500),
};

/**
 * Tripwire for `no-lost-keystroke`. The RGA peers, but a peer acknowledges the
 * operations it receives at once and writes them to disk in a batch within 500 ms,
 * the write-behind an editor uses to spare its disk. A crash in between loses
 * operations whose author was told a peer holds them, so it never sends them again:
 * the peer lacks those keystrokes for good. The rule the Raft paper states for any
 * replica (Figure 2: persistent state is "updated on stable storage before responding
 * to RPCs"), broken.
 */
export default defineScenario({
  description: 'Sequence CRDT (RGA) peers that acknowledge received operations before writing them to disk; crashes lose acknowledged keystrokes',
  expect: { violates: 'no-lost-keystroke' },
  duration: DOCS_DURATION,
  seeds: 100,
  network: docsNetwork,
  build: (world) => buildCollab(world, system),
  faultMix: docsFaultMix(replicaNames(system)),
  summary: collabSummary,
});
