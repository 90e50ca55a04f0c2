import { describe, expect, test } from 'vitest';
import { defineScenario, runScenario, runScenarioAsync, toJsonLines } from '../../src/kernel/index.js';
import { mixOn, schedulerSystem, WORKERS } from '../../src/designs/scheduler/system.js';

/** scenarios/scheduler-seed-worker.ts, with its workers written as generators or as async functions. */
const seedWorker = (workerStyle: 'generator' | 'async') =>
  defineScenario({
    description: 'the seed worker under worker pauses and crashes',
    expect: { violates: 'effect-once' },
    ...schedulerSystem({ worker: 'seed', workerStyle, election: 'raft', promotion: 'corrected', effects: 'every' }),
    faultMix: mixOn(WORKERS, { pause: 1, crash: 1 }),
  });

describe('the seed worker written with async/await', () => {
  test.each([1, 2, 3, 4, 5])('gives the generator worker\'s trace, event for event, for seed %i', async (seed) => {
    const generator = runScenario(seedWorker('generator'), seed, { trace: true });
    const async = await runScenarioAsync(seedWorker('async'), seed, { trace: true });
    expect(async.stats.events).toBeGreaterThan(1000);
    expect(toJsonLines(async.trace!)).toBe(toJsonLines(generator.trace!));
    expect(async.violation).toEqual(generator.violation);
  });

  test('is refused by the synchronous run, which cannot drive it, with the function to use', () => {
    expect(() => runScenario(seedWorker('async'), 1)).toThrow(/node worker-1 spawned an async workflow, which only an async run drives: run the scenario with runScenarioAsync/);
  });
});
