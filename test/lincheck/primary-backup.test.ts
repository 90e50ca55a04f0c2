import { describe, expect, it } from 'vitest';
import { judge, runScenario, type Scenario } from '../../src/kernel/index.js';
import { EMPTY, newer } from '../../src/designs/primary-backup/server.js';
import staleRead from '../../scenarios/primary-backup-stale-read.js';
import sync from '../../scenarios/primary-backup-sync.js';

const seeds = (scenario: Scenario, n: number) => Array.from({ length: n }, (_, i) => runScenario(scenario, i + 1));

describe('a backup keeps the newer copy', () => {
  it('by epoch first, then by sequence number', () => {
    const copy = (epoch: number, seq: number, value: string) => ({ version: { epoch, seq }, value });
    expect(newer(EMPTY, copy(0, 1, 'a')).value).toBe('a');
    expect(newer(copy(0, 5, 'old'), copy(0, 4, 'late')).value).toBe('old');
    expect(newer(copy(0, 5, 'old'), copy(1, 1, 'new epoch')).value).toBe('new epoch');
  });
});

describe('primary–backup register', () => {
  it('with asynchronous replication serves a stale read after failover, and the checker finds it', () => {
    const results = seeds(staleRead, 30);
    const verdict = judge(staleRead, results);
    expect(verdict.matches).toBe(true);
    const found = verdict.violations[0]!.violation!;
    expect(found.property).toBe('linearizable');
    // The operation that cannot be ordered is a read served after the crash.
    const crashAt = verdict.violations[0]!.faults[0]!.at;
    const stuck = /cannot:\n {2}(\S+) read → \S+ \[(\d+)\.(\d+)s/.exec(found.message);
    expect(stuck).not.toBeNull();
    expect(Number(stuck![2]) * 1_000_000 + Number(stuck![3])).toBeGreaterThan(crashAt);
  });

  it('with synchronous replication stays linearizable through the same failover', () => {
    expect(judge(sync, seeds(sync, 30)).summary).toBe('safe over 30 seeds');
  });
});
