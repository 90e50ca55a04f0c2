/**
 * Small semantic bugs injected one at a time into the models, the kernel and the
 * checkers (`npm run mutants`, bench/mutants.ts). Each replaces one exact string of one
 * source file; `unsafe` says whether the bug makes a safe design truly unsafe (the goal:
 * every such mutant is caught), as opposed to weakening a fault or a checker, which
 * only the known-unsafe scenarios (the tripwires) can notice.
 *
 * `suite` names the regression suite that judges it: the focused unit tests of the
 * design the file belongs to, then the `sim check` of its scenarios (see SUITES), with
 * the slow safe ones capped.
 */
export interface Mutant {
  id: string;
  file: string;
  find: string;
  replace: string;
  /** The bug, as an engineer would describe it in a post-mortem. */
  bug: string;
  unsafe: boolean;
  suite: keyof typeof SUITES;
}

/**
 * A scenario and, for the slow safe ones, how many of its seeds to run (the rest keep
 * their own); or a folder of unit tests (`npx vitest run <test>`).
 */
export type Check = { scenario: string; seeds?: number } | { test: string };

export const SUITES = {
  locks: [
    { test: 'test/locks/properties.test.ts' }, { scenario: 'gc-pause-fencing' }, { scenario: 'lease-lock-fencing-fault-mix' }, { scenario: 'lease-lock-volatile-tokens' },
    { scenario: 'gc-pause-no-fencing' }, { scenario: 'lease-lock-fault-mix' }, { scenario: 'redlock-skew' }, { scenario: 'redis-single-failover' },
  ],
  raft: [
    { test: 'test/raft/properties.test.ts' }, { test: 'test/raft/core.test.ts' }, { scenario: 'raft-lock', seeds: 300 }, { scenario: 'raft-kv', seeds: 150 }, { scenario: 'raft-kv-no-sessions' },
    { scenario: 'raft-bug-vote-not-persisted', seeds: 300 }, { scenario: 'raft-bug-stale-leader' }, { scenario: 'raft-kv-stale-leader', seeds: 150 },
  ],
  payments: [
    { test: 'test/payments/properties.test.ts' }, { test: 'test/payments/reconciliation.test.ts' }, { scenario: 'payments-corrected', seeds: 600 }, { scenario: 'payments-reconcile-no-close' }, { scenario: 'payments-outbox-no-dedupe' },
    { scenario: 'payments-seed-processor' }, { scenario: 'payments-refund-no-compensation' },
  ],
  limiter: [
    { test: 'test/rate-limiter/algorithms.test.ts' }, { test: 'test/rate-limiter/contracts.test.ts' }, { scenario: 'ratelimit-token-bucket', seeds: 4 }, { scenario: 'ratelimit-sliding-log-atomic', seeds: 4 },
    { scenario: 'ratelimit-token-bucket-clock-forward' }, { scenario: 'ratelimit-fixed-window-clock-forward' }, { scenario: 'ratelimit-fixed-window-edge' },
  ],
  'primary-backup': [{ scenario: 'primary-backup-sync' }, { scenario: 'primary-backup-stale-read' }],
  snowflake: [
    { test: 'test/snowflake/generator.test.ts' }, { test: 'test/snowflake/properties.test.ts' }, { scenario: 'snowflake-corrected', seeds: 400 }, { scenario: 'snowflake-restart-backwards' }, { scenario: 'snowflake-skew-sorting' },
  ],
  // The kernel's unit tests pin each fault's effect; the scenarios catch what they leave.
  kernel: [
    { test: 'test/kernel' }, { scenario: 'redlock-skew' }, { scenario: 'gc-pause-no-fencing' }, { scenario: 'gc-pause-fencing' }, { scenario: 'raft-kv', seeds: 100 },
    { scenario: 'redis-single-failover' }, { scenario: 'primary-backup-stale-read' }, { scenario: 'snowflake-restart-backwards' }, { scenario: 'raft-bug-vote-not-persisted', seeds: 300 },
  ],
} satisfies Record<string, Check[]>;

export const MUTANTS: Mutant[] = [
  // Kernel: the faults' effects.
  { id: 'kernel-clock-jump-ignored', suite: 'kernel', unsafe: false, file: 'src/kernel/clock.ts', find: 'this.anchorLocal += delta;', replace: 'this.anchorLocal += 0 * delta;', bug: 'a clock jump changes nothing' },
  { id: 'kernel-pause-ignored', suite: 'kernel', unsafe: false, file: 'src/kernel/fault-execution.ts', find: 'node.pausedUntil = Math.max(node.pausedUntil, until);', replace: 'node.pausedUntil = Math.max(node.pausedUntil, 0 * until);', bug: 'a pause stops nothing' },
  { id: 'kernel-crash-wipes-disk', suite: 'kernel', unsafe: true, file: 'src/kernel/runtime.ts', find: 'this.incarnation++;', replace: 'this.incarnation++;\n    this.disk.clear();', bug: 'a crash loses the disk too' },
  { id: 'kernel-partition-needs-two-cuts', suite: 'kernel', unsafe: false, file: 'src/kernel/network.ts', find: 'if (link.cuts > 0) return LOST_TO_PARTITION;', replace: 'if (link.cuts > 1) return LOST_TO_PARTITION;', bug: 'a single partition lets messages through' },
  { id: 'kernel-crash-keeps-calls', suite: 'kernel', unsafe: false, file: 'src/kernel/runtime.ts', find: 'this.calls.clear();', replace: '', bug: 'a crash keeps the pending calls of the process that died' },

  // Locks: lease lock with fencing.
  { id: 'storage-accepts-one-below', suite: 'locks', unsafe: true, file: 'src/designs/locking/storage.ts', find: 'write.token >= highest', replace: 'write.token >= highest - 1', bug: 'the storage accepts a token one below the highest it has seen' },
  { id: 'lease-tokens-in-memory', suite: 'locks', unsafe: true, file: 'src/designs/lease-lock/server.ts', find: "const lastToken = () => (tokens === 'disk'", replace: "const lastToken = () => (tokens !== 'disk'", bug: 'the lock service keeps its last token in memory (reads it from memory, writes it to disk)' },
  { id: 'lease-token-not-incremented', suite: 'locks', unsafe: true, file: 'src/designs/lease-lock/server.ts', find: 'const token = lastToken() + 1;', replace: 'const token = Math.max(1, lastToken());', bug: 'the lock service hands out the same token again' },
  { id: 'storage-highest-not-saved', suite: 'locks', unsafe: true, file: 'src/designs/locking/storage.ts', find: 'if (fencing && accepted) keepHighest(highestKey, write.token!);', replace: 'if (fencing && accepted && highest < 0) keepHighest(highestKey, write.token!);', bug: 'the storage remembers only the first token it accepted' },

  // Raft, Raft KV, the lock service on Raft.
  { id: 'raft-session-accepts-retry', suite: 'raft', unsafe: true, file: 'src/designs/raft/core.ts', find: 'return last === undefined || op.seq > last.seq;', replace: 'return last === undefined || op.seq >= last.seq;', bug: 'the session table lets a retry of the last command through' },
  { id: 'raft-vote-not-saved', suite: 'raft', unsafe: true, file: 'src/designs/raft/server.ts', find: "if (!variant.forgetVotes) ctx.disk.set('voted-for', votedFor);", replace: '', bug: 'votedFor is not written before answering a vote' },
  { id: 'raft-answer-before-commit', suite: 'raft', unsafe: true, file: 'src/designs/raft/server.ts', find: 'if (!variant.answerFromLocalState) {', replace: 'if (variant.answerFromLocalState) {', bug: 'the leader answers from its local state before the entry commits' },
  { id: 'raft-commit-earlier-terms', suite: 'raft', unsafe: true, file: 'src/designs/raft/core.ts', find: 'if (countEarlierTerms || termAt(log, majorityHas) === currentTerm) return majorityHas;', replace: 'return majorityHas;', bug: 'entries of earlier terms are committed by counting replicas (Figure 8)' },
  { id: 'raft-vote-ignores-log', suite: 'raft', unsafe: true, file: 'src/designs/raft/core.ts', find: '    candidateUpToDate(log, request.lastIndex, request.lastTerm)\n', replace: '    true\n', bug: 'a vote is granted to a candidate whose log is behind' },
  { id: 'raft-log-not-persisted', suite: 'raft', unsafe: true, file: 'src/designs/raft/server.ts', find: '      log.push(entry);\n      saveLogFrom(index);', replace: '      log.push(entry);', bug: 'the leader does not write its own new entry to disk' },
  { id: 'raft-lock-token-not-index', suite: 'raft', unsafe: true, file: 'src/designs/raft-lock/machine.ts', find: "result: { type: 'granted', token: index } };", replace: "result: { type: 'granted', token: Math.max(1, index - 50) } };", bug: 'the lock service reports a token below the grant\'s log index' },

  // Payments.
  { id: 'payments-consumer-no-dedupe', suite: 'payments', unsafe: true, file: 'src/designs/payments/consumers.ts', find: 'const duplicate = options.dedupe &&', replace: 'const duplicate = false &&', bug: 'consumers apply a redelivered event again' },
  { id: 'payments-network-without-key', suite: 'payments', unsafe: true, file: 'src/designs/payments/service.ts', find: "{ type: 'authorize', reference: paymentId, key, amount, card }", replace: "{ type: 'authorize', reference: paymentId, key: null, amount, card }", bug: 'the corrected service calls the network without the idempotency key' },
  { id: 'payments-no-unique-key', suite: 'payments', unsafe: true, file: 'src/designs/payments/system.ts', find: "unique: variant.processor === 'corrected' ? ['idempotency_key'] : []", replace: 'unique: []', bug: 'the key is not reserved by a unique constraint' },
  { id: 'payments-reconcile-no-close', suite: 'payments', unsafe: true, file: 'src/designs/payments/reconciliation.ts', find: "close: status === 'PENDING' && options.closeStuck", replace: 'close: false', bug: 'reconciliation fails a stuck payment without closing its reference' },
  { id: 'payments-reconcile-fails-authorized', suite: 'payments', unsafe: true, file: 'src/designs/payments/reconciliation.ts', find: "if (network === 'authorized') return ['record-authorized', 'capture'];", replace: "if (network === 'authorized') return ['record-failed'];", bug: 'reconciliation fails a stuck payment the network authorized' },
  { id: 'payments-update-without-expect', suite: 'payments', unsafe: true, file: 'src/designs/payments/service.ts', find: 'options.blindAuthorizationWrite ? {} :', replace: 'true ? {} :', bug: 'the service writes the outcome without checking the payment is still PENDING' },
  { id: 'payments-no-compensation', suite: 'payments', unsafe: true, file: 'src/designs/payments/system.ts', find: '    compensation: variant.compensation,', replace: '    compensation: false,', bug: 'a refund the network declined is never compensated' },

  // Rate limiter (atomic script on the store).
  { id: 'limiter-bucket-restamps-back', suite: 'limiter', unsafe: true, file: 'src/designs/rate-limiter/algorithms.ts', find: "const at = s === undefined || onBackwardClock === 'follow' ? now : Math.max(now, s.at);", replace: 'const at = now;', bug: 'the token bucket trusts a clock that stepped back, and refills the same time twice' },
  { id: 'limiter-bucket-no-cap', suite: 'limiter', unsafe: false, file: 'src/designs/rate-limiter/algorithms.ts', find: 'Math.min(capacity, s.tokens + Math.max(0, now - s.at) * limit)', replace: 's.tokens + Math.max(0, now - s.at) * limit', bug: 'the token bucket has no credit cap (equivalent: its key expires when the bucket would be full, so the cap never binds)' },
  { id: 'limiter-log-off-by-one', suite: 'limiter', unsafe: true, file: 'src/designs/rate-limiter/algorithms.ts', find: '(size + cost <= limit ? { allowed: true', replace: '(size + cost <= limit + 1 ? { allowed: true', bug: 'the sliding log admits one more than the limit' },
  { id: 'limiter-log-window-short', suite: 'limiter', unsafe: true, file: 'src/designs/rate-limiter/algorithms.ts', find: 'max: now - window },', replace: 'max: now - window + window / 10 },', bug: 'the sliding log forgets requests before the window has passed' },

  // Primary–backup, synchronous.
  { id: 'backup-ack-without-backup', suite: 'primary-backup', unsafe: true, file: 'src/designs/primary-backup/server.ts', find: 'if (replies.every((r) => r.ok)) {', replace: 'if (replies.length >= 0) {', bug: 'the primary acknowledges a write its backup never confirmed' },
  { id: 'backup-accepts-after-promotion', suite: 'primary-backup', unsafe: false, file: 'src/designs/primary-backup/server.ts', find: "          case 'replicate':\n            if (primary) return;", replace: "          case 'replicate':", bug: 'a promoted backup still takes copies from the old primary (unreachable within the faults this design tolerates: the old primary is dead when the backup is promoted)' },

  // Snowflake.
  { id: 'snowflake-high-water-not-ahead', suite: 'snowflake', unsafe: true, file: 'src/designs/snowflake/high-water.ts', find: 'if (timestamp <= this.mark) return;', replace: 'if (timestamp <= this.mark + 1000) return;', bug: 'the high-water mark is not raised until the clock is well past it' },
  { id: 'snowflake-wait-gives-up-short', suite: 'snowflake', unsafe: true, file: 'src/designs/snowflake/generator.ts', find: '        while (timestamp < this.lastTimestamp) {\n          yield* this.sleepUntil(this.lastTimestamp);', replace: '        while (timestamp < this.lastTimestamp - 5) {\n          yield* this.sleepUntil(this.lastTimestamp);', bug: 'after a clock step back the generator stops waiting 5 ms short of its last timestamp' },

  // Checkers.
  { id: 'check-mutual-exclusion-lenient', suite: 'locks', unsafe: false, file: 'src/designs/locking/properties.ts', find: 'if (holder && holder.client !== fact.node) {', replace: 'if (holder && holder.client !== fact.node && fact.t - holder.since > 1_000_000) {', bug: 'mutual exclusion overlooks overlaps under a second' },
  { id: 'check-no-double-write-lenient', suite: 'locks', unsafe: false, file: 'src/designs/locking/properties.ts', find: 'if (previous && previous.token > grant.token) {', replace: 'if (previous && previous.token > grant.token + 1) {', bug: 'no-double-write overlooks a write one grant late' },
  { id: 'check-fencing-increase-lenient', suite: 'locks', unsafe: false, file: 'src/designs/locking/properties.ts', find: 'if (top === undefined || token > top.token) {', replace: 'if (top === undefined || token > top.token - 100) {', bug: 'fencing-tokens-increase accepts a token far below the highest' },
  { id: 'check-applied-once-lenient', suite: 'raft', unsafe: false, file: 'src/designs/raft/properties.ts', find: '      if (first === undefined) {\n        mine.set(key', replace: '      if (first === undefined || first.index !== index) {\n        mine.set(key', bug: 'applied-once only notices the same command applied twice at the same index' },
  { id: 'check-open-authorization-lenient', suite: 'payments', unsafe: false, file: 'src/designs/payments/properties.ts', find: "if (status.get(reference) !== 'FAILED') continue;", replace: "if (status.get(reference) !== 'VOIDED') continue;", bug: 'no-open-authorization looks for a status that does not exist' },
  { id: 'check-bucket-meter-no-cap', suite: 'limiter', unsafe: false, file: 'src/designs/rate-limiter/contracts.ts', find: 'if (refilled >= capacity) return { tokens: capacity,', replace: 'if (refilled >= capacity * 2) return { tokens: capacity,', bug: 'the token-bucket contract lets credit build up to twice the burst' },
  { id: 'check-window-meter-off-by-one', suite: 'limiter', unsafe: false, file: 'src/designs/rate-limiter/contracts.ts', find: 'if (most.count <= limit.limit) return undefined;', replace: 'if (most.count <= limit.limit + 1) return undefined;', bug: 'the sliding-window contract allows one over the limit' },
  { id: 'check-unique-lenient', suite: 'snowflake', unsafe: false, file: 'src/designs/snowflake/properties.ts', find: '      if (first) {\n        return {\n          message: `${fact.node} issued', replace: '      if (first && first.node === fact.node) {\n        return {\n          message: `${fact.node} issued', bug: 'unique only notices an ID issued twice by the same node' },
];
