import { describe, expect, it } from 'vitest';
import { defineScenario, runScenario, type Fact, type Fault, type Random, type World } from '../../src/kernel/index.js';
import { buildScheduler, DURATION, type SchedulerVariant } from '../../src/designs/scheduler/system.js';
import { buildStudy, studyFaults } from '../../src/designs/scheduler/study.js';
import study from '../../scenarios/scheduler-study.js';

const corrected: SchedulerVariant = { worker: 'corrected', election: 'raft', promotion: 'corrected', effects: 'every', purpose: 'measure' };

/** The facts of the nodes whose names start with `scope`, as lines. */
function factsOf(scope: string, build: (world: World) => void, faults?: (random: Random) => Fault[]): string[] {
  const lines: string[] = [];
  const scenario = defineScenario({
    description: 'one cell',
    expect: 'safe',
    duration: DURATION,
    maxEvents: 50_000_000,
    build,
    faults,
    summary: () => ({ collect: (fact: Fact) => void (fact.node.startsWith(scope) && lines.push(`${fact.t} ${fact.node} ${fact.kind} ${JSON.stringify(fact.data)}`)), render: () => '' }),
  });
  runScenario(scenario, 1);
  return lines;
}

describe('the scheduler study', () => {
  it('runs each cell as if it were alone in the world: the other cells and their faults change none of its facts', () => {
    // The corrected worker's no-fault cell, alone and among all 20 cells with every cell's faults drawn.
    const alone = factsOf('w1f0c0-', (world) => buildScheduler(world, { ...corrected, scope: 'w1f0c0-' }));
    const amongAll = factsOf('w1f0c0-', (world) => buildStudy(world, { copies: 1 }), (random) => studyFaults(random, { copies: 1 }));
    expect(alone.length).toBeGreaterThan(100);
    expect(amongAll).toEqual(alone);
  });

  it('prints one row per worker variant and fault mix, and judges the corrected, idempotent row', () => {
    const run = runScenario(study, 1, { params: { copies: 1 } });
    expect(run.violation).toBeUndefined();
    const rows = run.summary!.split('\n').filter((line) => /^\| (seed|corrected)/.test(line));
    expect(rows).toHaveLength(20);
    expect(run.factsSeen['effect-once']).toBeGreaterThan(0);
    expect(run.factsSeen['at-least-once']).toBeGreaterThan(0);
  });
});
