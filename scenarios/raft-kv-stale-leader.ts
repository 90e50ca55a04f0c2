import { raftKvSystem } from '../src/designs/raft-kv/system.js';
import { defineScenario } from '../src/kernel/index.js';

/**
 * Raft bug 3 on the key-value store: the leader answers from its local state as soon
 * as it appends, without a majority confirming it still leads. A leader cut off
 * from the majority keeps answering reads the new leader's writes have overtaken:
 * the linearizability checker, judging only what clients saw, catches it.
 */
export default defineScenario({
  description: 'Key-value store on 3 Raft servers whose leader answers from local state (no commit, no leadership check); the same random faults',
  expect: { violates: 'linearizable' },
  seeds: 300,
  ...raftKvSystem({ variant: { answerFromLocalState: true } }),
});
