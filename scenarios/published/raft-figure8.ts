import { defineScenario } from '../../src/kernel/index.js';
import { figure8 } from '../../src/designs/raft-kv/figure8.js';

/**
 * The Raft paper's Figure 8 (Ongaro & Ousterhout, §5.4.2) with the paper's rule:
 * "only log entries from the leader's current term are committed by counting
 * replicas". S1 does not commit index 2 in (c), so S5 overwriting it in (d) breaks
 * nothing; and in (e), once S1's term-4 entry is on a majority, it commits with index
 * 2 beneath it and S5 cannot win. The timeline is in src/designs/raft-kv/figure8.ts;
 * this file runs the (e) ending, raft-figure8-commit-bug.ts the (d) one.
 */
export default defineScenario({
  description: 'Raft Figure 8 (a)-(c) then (e), correct commit rule: the term-4 entry commits on a majority and S5 cannot win',
  expect: 'safe',
  seeds: 10,
  ...figure8({}, 'e'),
  exempt: { '*': 'a published story: its faults are the source\'s timeline, not a mix meant to reach every role' },
});
