import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { ConfigError, ms, runScenarioAsync, seconds, validateFaults, type Fault } from '../../src/kernel/index.js';
import { faultSchedule } from '../../src/testing/fast-check.js';
import gcPauseNoFencing from '../../scenarios/gc-pause-no-fencing.js';
import gcPauseFencing from '../../scenarios/gc-pause-fencing.js';

const clients = ['client-1', 'client-2', 'client-3'];
const schedules = faultSchedule({ nodes: clients, kinds: ['pause', 'crash', 'clock-jump'], window: [seconds(1), seconds(40)], count: [0, 6], duration: [ms(100), seconds(8)] });

/** The lease lock's property as a user states it: whatever the faults, no write lands under a lease that moved on. */
const neverWritesTwice = (scenario: typeof gcPauseFencing) =>
  fc.asyncProperty(schedules, async (faults: Fault[]) => {
    const result = await runScenarioAsync(scenario, 1, { faults });
    return result.violation?.property !== 'no-double-write';
  });

describe('faultSchedule: fault schedules as a fast-check arbitrary', () => {
  test('draws schedules the kernel accepts, sorted by time, of the kinds and count asked for, on the nodes given', () => {
    for (const faults of fc.sample(schedules, { numRuns: 300, seed: 7 })) {
      expect(() => validateFaults(faults, clients)).not.toThrow();
      expect(faults.length).toBeLessThanOrEqual(6);
      expect(faults.map((f) => f.at)).toEqual(faults.map((f) => f.at).sort((a, b) => a - b));
      for (const fault of faults) expect(['crash', 'pause', 'clock-jump']).toContain(fault.kind);
    }
  });

  test('shrinks every kind towards its mildest draw: a power loss towards losing none of the unsynced writes', () => {
    const losses = faultSchedule({ nodes: ['broker-1'], kinds: ['power-loss'], window: [seconds(1), seconds(2)], count: [1, 1] });
    const found = fc.check(fc.property(losses, (faults) => faults.every((f) => f.kind !== 'power-loss')), { seed: 3 });
    expect(found.failed).toBe(true);
    expect(found.counterexample![0]).toMatchObject([{ kind: 'power-loss', at: seconds(1), lost: 0 }]);
  });

  test('finds the lease lock without fencing writing twice, and shrinks the schedule to the one long pause that breaks it', async () => {
    const found = await fc.check(neverWritesTwice(gcPauseNoFencing), { seed: 2, numRuns: 100 });
    expect(found.failed).toBe(true);
    expect(found.numShrinks).toBeGreaterThan(0);
    const [shrunk] = found.counterexample!;
    expect(shrunk).toHaveLength(1);
    expect(shrunk![0]).toMatchObject({ kind: 'pause', node: expect.stringMatching(/^client-/) });
    // The pause outlasts the 3 s lease: a shorter one would leave the lease with its holder.
    expect((shrunk![0] as Extract<Fault, { kind: 'pause' }>).duration).toBeGreaterThan(seconds(3));
    expect((await runScenarioAsync(gcPauseNoFencing, 1, { faults: shrunk })).violation?.property).toBe('no-double-write');
  });

  test('finds nothing against the lease lock with fencing tokens', async () => {
    const found = await fc.check(neverWritesTwice(gcPauseFencing), { seed: 2, numRuns: 100 });
    expect(found.failed).toBe(false);
  });

  test('refuses options a fault mix would refuse, as a ConfigError', () => {
    expect(() => faultSchedule({ nodes: ['a'], kinds: ['partition'], window: [0, seconds(1)], count: [1, 2] })).toThrow(ConfigError);
  });
});
