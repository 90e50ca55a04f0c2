import { defineScenario } from '../../src/kernel/index.js';
import { figure8 } from '../../src/designs/raft-kv/figure8.js';

/**
 * The Raft paper's Figure 8 (Ongaro & Ousterhout, §5.4.2), (a) to (d), exactly: a
 * leader that commits an entry of an earlier term by counting its replicas commits
 * index 2 (term 2) in (c), and in (d) S5 wins term 5 without it and overwrites it.
 * The paper: "a log entry from a previous term [...] can still be overwritten by a
 * future leader". The timeline is in src/designs/raft-kv/figure8.ts.
 */
export default defineScenario({
  description: 'Raft Figure 8 (a)-(d) with the commit bug: a leader counts replicas of an earlier term, then a new leader overwrites the entry',
  expect: { violates: 'leader-completeness' },
  seeds: 10,
  ...figure8({ commitEarlierTerms: true }, 'd'),
});
