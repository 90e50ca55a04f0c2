import { raftLockSystem } from '../src/designs/raft-lock/system.js';
import { defineScenario } from '../src/kernel/index.js';

/**
 * Tripwire for `log-matching`. A follower that accepts AppendEntries when it merely
 * has an entry at prevLogIndex, skipping the term comparison of the Raft paper's
 * Figure 2 (AppendEntries receiver, rule 2: "Reply false if log doesn't contain an
 * entry at prevLogIndex whose term matches prevLogTerm"). After a leader change it
 * appends the new leader's entries behind a deposed leader's uncommitted ones, so
 * two logs hold the same (index, term) after different histories. An empty heartbeat
 * accepted the same way appends nothing, yet lets the follower commit and apply its
 * own stale entry: state-machine-safety, first in 1 of seeds 1–300 (seed 255), so
 * `seeds` stays below it.
 */
export default defineScenario({
  description: 'Raft lock service whose followers skip the prevLogTerm check of AppendEntries; random faults',
  expect: { violates: 'log-matching' },
  seeds: 100,
  ...raftLockSystem({ variant: { skipPrevTermCheck: true }, renewal: 'corrected', fencing: true }),
});
