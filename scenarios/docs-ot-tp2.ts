import { defineScenario, ms, seconds } from '../src/kernel/index.js';
import { DOCS_DURATION, docsFaultMix, docsNetwork, docsSessions } from '../src/designs/collab-text/scenarios.js';
import { collabSummary } from '../src/designs/collab-text/summary.js';
import { buildCollab, replicaNames, type CollabSystemOptions } from '../src/designs/collab-text/system.js';

/**
 * Three people typing into one short line at once over a slow network (5–200 ms):
 * the puzzle needs three concurrent operations around one character, so the
 * sessions are dense (all typing in the first second, positions within the first
 * 5 characters). With the safe scenarios' sessions none of 300 seeds found it
 * (`npm run bench collab-text`).
 */
const tp2Sessions = { ...docsSessions, window: [0, seconds(1)], bursts: [4, 8], burstLength: [1, 3], deleteShare: 0.4, maxIndex: 4 } satisfies typeof docsSessions;

export const tp2System: CollabSystemOptions = { variant: 'ot-p2p', clients: 3, editing: { sessions: tp2Sessions }, duration: DOCS_DURATION, settle: seconds(1.5) };

/**
 * Variant 3: peer-to-peer OT (Ressel et al.'s adOPTed) with transformation functions
 * that satisfy TP1 but not TP2. Any two sites agree; three can disagree when an
 * insert, a delete of the character after it and an insert after that are
 * concurrent (Sun et al. 1998): the search finds such an interleaving by itself.
 * Seeds to the first violation over 20 disjoint ranges (`npx tsx bench/swarm.ts
 * --jobs 1 --ranges 20 --cap 400 scenarios/docs-ot-tp2.ts`): median 9, at most 68;
 * 150 seeds is twice the worst range.
 */
export default defineScenario({
  description: 'Peer-to-peer OT (adOPTed) with TP1-only transformation functions, 3 peers: the TP2 puzzle, found by the search',
  expect: { violates: 'convergence' },
  duration: DOCS_DURATION,
  seeds: 150,
  network: { ...docsNetwork, latency: { min: ms(5), max: ms(200) } },
  // At most 24 keystrokes per client are drawn: the default types them all; the shrinker looks for the fewest that still diverge.
  params: { keystrokes: { default: 24, shrinkTo: 1, description: 'keystrokes each client types at most' } },
  build: (world, { keystrokes }) => buildCollab(world, { ...tp2System, keystrokesPerClient: keystrokes }),
  faultMix: docsFaultMix(replicaNames(tp2System)),
  summary: collabSummary,
});
