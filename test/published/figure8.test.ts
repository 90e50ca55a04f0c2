import { describe, expect, it } from 'vitest';
import { defineScenario, runScenario, type TraceEvent } from '../../src/kernel/index.js';
import { figure8, FIGURE_8_SERVERS, FIGURE_8_STEPS } from '../../src/designs/raft-kv/figure8.js';

/**
 * The Raft paper's Figure 8, as the terms of each server's log (S1 … S5) at the end
 * of each step: the gallery's scenarios replay exactly these logs.
 */
const PAPER = {
  a: [[1, 2], [1, 2], [1], [1], [1]],
  b: [[1, 2], [1, 2], [1], [1], [1, 3]],
  c: [[1, 2, 4], [1, 2], [1, 2], [1], [1, 3]],
  d: [[1, 2, 4], [1, 3], [1, 3], [1, 3], [1, 3]],
  e: [[1, 2, 4], [1, 2, 4], [1, 2, 4], [1], [1, 3]],
};

/** Each server's log terms at true time `t`, rebuilt from the `log-appended` facts (every log starts as [1]). */
function logsAt(trace: TraceEvent[], t: number): number[][] {
  const logs = new Map(FIGURE_8_SERVERS.map((id) => [id, [1]]));
  for (const e of trace) {
    if (e.t > t) break;
    if (e.kind !== 'fact' || e.fact !== 'log-appended') continue;
    const { from, terms } = e.data as { from: number; terms: number[] };
    logs.set(e.node, [...logs.get(e.node)!.slice(0, from - 1), ...terms]);
  }
  return FIGURE_8_SERVERS.map((id) => logs.get(id)!);
}

const run = (commitEarlierTerms: boolean, ending: 'd' | 'e', seed: number) =>
  runScenario(defineScenario({ description: 'Figure 8', expect: 'safe', ...figure8({ commitEarlierTerms }, ending) }), seed, { trace: true });
/** Just before the next step begins (or the end of the run, for the last). */
const endOf = { a: FIGURE_8_STEPS.b - 1, b: FIGURE_8_STEPS.c - 1, c: FIGURE_8_STEPS.d - 1, d: Infinity, e: Infinity };

describe("the Raft paper's Figure 8, replayed by steering", () => {
  for (const seed of [1, 2, 3]) {
    it(`seed ${seed}: the logs after (a), (b), (c) and (d) are the paper's, with the correct commit rule (nothing committed is lost)`, () => {
      const result = run(false, 'd', seed);
      expect(result.outcome).toBe('ok');
      for (const step of ['a', 'b', 'c', 'd'] as const) expect(logsAt(result.trace!, endOf[step]), `after (${step})`).toEqual(PAPER[step]);
    });

    it(`seed ${seed}: the logs after (c) then (e) are the paper's`, () => {
      const result = run(false, 'e', seed);
      expect(result.outcome).toBe('ok');
      expect(logsAt(result.trace!, endOf.c)).toEqual(PAPER.e);
      expect(logsAt(result.trace!, endOf.e)).toEqual(PAPER.e);
      const leaders = result.trace!.filter((e) => e.kind === 'fact' && e.fact === 'became-leader').map((e) => e.kind === 'fact' && e.node);
      expect(leaders, 'S5 never wins after (e)').toEqual(['raft-1', 'raft-5', 'raft-1']);
    });

    it(`seed ${seed}: with the commit bug, S1 commits index 2 in (c) and S5's election in (d) breaks leader completeness`, () => {
      const result = run(true, 'd', seed);
      const committed = result.trace!.filter((e) => e.kind === 'fact' && e.fact === 'committed').map((e) => e.kind === 'fact' && e.data);
      expect(committed).toContainEqual({ index: 2, term: 2, leaderTerm: 4 });
      expect(result.violation?.property).toBe('leader-completeness');
      expect(logsAt(result.trace!, endOf.c)).toEqual(PAPER.c);
    });
  }
});
