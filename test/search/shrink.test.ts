import { beforeAll, describe, expect, test } from 'vitest';
import { ms, runScenario, seconds } from '../../src/kernel/index.js';
import { shrink, type ShrinkReport } from '../../src/search/shrink.js';
import heartbeat from '../fixtures/heartbeat.js';
import gcPauseNoFencing from '../../scenarios/gc-pause-no-fencing.js';

describe('shrinking a failing run', () => {
  const original = runScenario(heartbeat, 1);
  let report: ShrinkReport;
  beforeAll(async () => {
    report = await shrink(heartbeat, original);
  });

  test('the fixture fails as built: seven faults, client-1 silent for too long', () => {
    expect(original.faults).toHaveLength(7);
    expect(original.violation?.property).toBe('steady-heartbeat');
  });

  test('keeps only the one fault that matters: the long pause of client-1', () => {
    expect(report.shrunk.faults).toHaveLength(1);
    expect(report.shrunk.faults[0]).toMatchObject({ kind: 'pause', node: 'client-1', at: seconds(6) });
  });

  test('narrows that pause to about the 500 ms the property tolerates', () => {
    const pause = report.shrunk.faults[0]!;
    if (pause.kind !== 'pause') throw new Error('expected a pause');
    // The silence is the pause plus up to one 100 ms ping interval and the latency.
    expect(pause.duration).toBeGreaterThan(ms(380));
    expect(pause.duration).toBeLessThan(ms(520));
  });

  test('reduces the clients to the one the property watches, and ends the run just after the violation', () => {
    expect(report.shrunk.overrides.params).toEqual({ clients: 1 });
    expect(report.shrunk.overrides.duration).toBe(report.shrunkResult.violation!.t + 1);
    expect(report.shrunkResult.stats.events).toBeLessThan(original.stats.events / 3);
  });

  test('the shrunk run, replayed, still violates the same property', () => {
    const { seed, faults, overrides } = report.shrunk;
    const replayed = runScenario(heartbeat, seed, { faults, ...overrides });
    expect(replayed.violation?.property).toBe('steady-heartbeat');
    expect(replayed.stats.events).toBe(report.shrunkResult.stats.events);
  });

  test('shrinks a real design: the lease lock without fencing needs one long pause and two clients', async () => {
    const found = runScenario(gcPauseNoFencing, 1);
    const { shrunk, shrunkResult } = await shrink(gcPauseNoFencing, found);
    expect(found.faults.length).toBeGreaterThan(1);
    expect(shrunk.faults).toHaveLength(1);
    expect(shrunk.faults[0]!.kind).toBe('pause');
    expect(shrunk.overrides.params).toEqual({ clients: 2 });
    expect(shrunkResult.violation?.property).toBe('no-double-write');
  });

  test('refuses a run that did not fail', async () => {
    const passing = runScenario(heartbeat, 1, { faults: [] });
    await expect(shrink(heartbeat, passing)).rejects.toThrow(/must violate/);
  });
});
