import { describe, expect, it } from 'vitest';
import { judge, runScenario, type Scenario } from '../../src/kernel/index.js';
import redlockSkew from '../../scenarios/redlock-skew.js';
import gcPauseFencing from '../../scenarios/gc-pause-fencing.js';
import redisFailover from '../../scenarios/redis-single-failover.js';
import leaseFaultMix from '../../scenarios/lease-lock-fencing-fault-mix.js';

const seeds = (n: number) => Array.from({ length: n }, (_, i) => i + 1);
const withoutFaults = (scenario: Scenario): Scenario => ({ ...scenario, faults: () => [] });

describe('the lock designs', () => {
  it('Redlock keeps mutual exclusion when no clock misbehaves: the violation comes from the skew', () => {
    const results = seeds(20).map((seed) => runScenario(withoutFaults(redlockSkew), seed));
    expect(results.filter((r) => r.outcome !== 'ok')).toEqual([]);
    expect(results.every((r) => r.stats.facts > 20)).toBe(true); // clients really took turns
  });

  it('the single-Redis lock keeps mutual exclusion while its primary stays up: the violation comes from the failover', () => {
    const results = seeds(20).map((seed) => runScenario(withoutFaults(redisFailover), seed));
    expect(judge(withoutFaults(redisFailover), results).violations).toEqual([]);
  });

  it('with fencing, the paused clients really do write late, and the storage refuses them', () => {
    const refused = seeds(30)
      .map((seed) => runScenario(gcPauseFencing, seed, { trace: true }))
      .flatMap((r) => r.trace!.filter((e) => e.kind === 'fact' && e.fact === 'storage-write' && (e.data as { accepted: boolean }).accepted === false));
    expect(refused.length).toBeGreaterThan(5);
  });

  it('hands each lock property the facts it watches, from every kind of lock service', () => {
    for (const scenario of [redlockSkew, redisFailover, gcPauseFencing, leaseFaultMix]) {
      const { factsSeen } = runScenario(scenario, 1);
      expect(Object.values(factsSeen).length, scenario.description).toBeGreaterThan(0);
      expect(Object.entries(factsSeen).filter(([, seen]) => seen === 0), scenario.description).toEqual([]);
    }
  });
});
