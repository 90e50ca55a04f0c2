import chalk from 'chalk';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runScenario, type TraceEvent } from '../../src/kernel/index.js';
import { resultOf } from './hand-built.js';
import { causalSlice, diagramRows, renderDiagram } from '../../src/report/index.js';
import gcPauseFencing from '../../scenarios/gc-pause-fencing.js';
import gcPauseNoFencing from '../../scenarios/gc-pause-no-fencing.js';


describe('the text diagram', () => {
  let level: typeof chalk.level;
  beforeEach(() => {
    level = chalk.level;
    chalk.level = 0; // as with NO_COLOR or output to a file: the glyphs alone must tell the story
  });
  afterEach(() => {
    chalk.level = level;
  });

  it('has a header of lanes, then one row per event', () => {
    const result = runScenario(gcPauseFencing, 1, { trace: true });
    const lines = renderDiagram(result).split('\n');
    expect(lines[0]).toMatch(/^true time\s+client-1\s+client-2\s+client-3\s+lock\s+storage\s*$/);
    expect(lines).toHaveLength(result.trace!.length + 1);
  });

  it('draws messages between columns, lost ones with ✗, and a paused lane dotted', () => {
    const trace: TraceEvent[] = [
      { t: 1, kind: 'deliver', node: 'c', local: 1, from: 'a', id: 1, sentAt: 0, msg: { op: 'ping' } },
      { t: 2, kind: 'deliver', node: 'a', local: 2, from: 'c', id: 2, sentAt: 1, msg: { op: 'pong' } },
      { t: 3, kind: 'fault', fault: { at: 3, kind: 'pause', node: 'b', duration: 2 } },
      { t: 4, kind: 'drop', node: 'b', from: 'a', id: 3, sentAt: 4, reason: 'loss', msg: { op: 'x' } },
      { t: 5, kind: 'recover', fault: { at: 3, kind: 'pause', node: 'b', duration: 2 } },
      { t: 6, kind: 'fact', node: 'b', local: 1_000_006, fact: 'woke', data: {} },
    ];
    const rows = renderDiagram(resultOf(trace)).split('\n').slice(1).map((r) => r.trimEnd());
    expect(rows[0]).toMatch(/•─+│?─*▶ /);
    expect(rows[0]).toMatch(/•(─+)─▶/);
    expect(rows[0]).toContain('a → c  {"op":"ping"}');
    expect(rows[1]).toMatch(/◀─+•/);
    expect(rows[2]).toMatch(/│\s+!\s+│\s+fault: pause b/);
    expect(rows[3]).toMatch(/•╌+✗\s+│\s+a → b LOST \(loss\)/);
    expect(rows[4]).toMatch(/│\s+~\s+│\s+over: pause b/);
    expect(rows[5]).toContain('(its clock 1.000006s)');
    expect(rows.slice(3, 4).join()).not.toContain('┆'); // the drop row is drawn at b's column itself
    expect(renderDiagram(resultOf([trace[2]!, { t: 4, kind: 'log', node: 'a', local: 4, text: 'hi' }])).split('\n')[2]).toMatch(/■\s+┆/);
  });

  describe('the rows a terminal shows', () => {
    const result = runScenario(gcPauseNoFencing, 1, { trace: true });
    const trace = result.trace!;
    const violation = trace.findIndex((e) => e.kind === 'violation');

    it('by default, the last 30 events up to the violation, ending with it and the end of the run', () => {
      const { rows, about } = diagramRows(result, {});
      expect(rows).toEqual(Array.from({ length: 30 }, (_, k) => trace.length - 30 + k));
      expect(rows).toContain(violation);
      expect(about).toContain(`the last 30 of ${trace.length} events`);
    });

    it('--tail and --window choose how far back; --why keeps only the causal slice', () => {
      expect(diagramRows(result, { tail: 5 }).rows).toEqual(Array.from({ length: 5 }, (_, k) => trace.length - 5 + k));
      const window = diagramRows(result, { window: 100_000 }).rows;
      expect(window.every((i) => trace[i]!.t >= result.violation!.t - 100_000)).toBe(true);
      expect(diagramRows(result, { why: true }).rows).toEqual(causalSlice(trace)!.events);
    });

    it('draws only the lanes of the rows, each line cut to the width', () => {
      const { rows } = diagramRows(result, { tail: 3 });
      const lines = renderDiagram(result, { rows, width: 60 }).split('\n');
      expect(lines).toHaveLength(rows.length + 1);
      for (const line of lines) expect([...line].length).toBeLessThanOrEqual(60);
      expect(lines.some((line) => line.endsWith('…'))).toBe(true);
    });
  });
});
