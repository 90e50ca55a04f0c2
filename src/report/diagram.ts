import chalk from 'chalk';
import { describeFault, faultMarks, formatTime, type RunResult, type TraceEvent } from '../kernel/index.js';
import { compact, nodeColour } from './format.js';
import { runLanes } from './lanes.js';

/**
 * The run as text: one column per node, one row per event, true time down the
 * left. A message is a line from the sender's column to the receiver's, ending in
 * an arrowhead (delivered) or ✗ (lost). Every mark is a distinct glyph, so the
 * picture reads the same without colour (NO_COLOR, or output not a terminal).
 *
 *   ● fact  ○ timer  ▲ timeout  ■ log  = annotation  ! fault  ~ fault over  X violation
 *   │ up    ┆ paused  (blank) crashed
 */
export function renderDiagram(result: RunResult): string {
  const trace = result.trace;
  if (trace === undefined) throw new Error('renderDiagram needs a run recorded with { trace: true }');
  const lanes = runLanes(trace, result.faults);
  const column = new Map(lanes.map((id, i) => [id, i]));
  const width = Math.min(12, Math.max(5, ...lanes.map((id) => id.length + 1)));
  const mid = Math.floor((width - 1) / 2);
  const timeWidth = formatTime(result.endTime).length + 2;
  const paused = new Set<string>();
  const down = new Set<string>();
  const lines: string[] = [];

  const header = lanes.map((id) => nodeColour(id)(fit(id, width - 1).padEnd(width))).join('');
  lines.push(chalk.bold('true time'.padEnd(timeWidth)) + header);

  for (const e of trace) {
    const cells: string[] = lanes.map((id) => (down.has(id) ? ' ' : paused.has(id) ? '┆' : '│'));
    const paint = lanes.map((): ((s: string) => string) | undefined => undefined);
    // A message's line runs between two columns: [lo, hi], drawn with `line` in `lineColour`.
    let lo = -1;
    let hi = -1;
    let line = ' ';
    let lineColour: (s: string) => string = (s) => s;
    const mark = (node: string, glyph: string, colour?: (s: string) => string) => {
      const i = column.get(node);
      if (i === undefined) return;
      cells[i] = glyph;
      paint[i] = colour ?? nodeColour(node);
    };
    let text: string;
    let textColour: (s: string) => string = (s) => s;
    switch (e.kind) {
      case 'deliver':
      case 'drop': {
        const from = column.get(e.from)!;
        const to = column.get(e.node)!;
        const lost = e.kind === 'drop';
        [lo, hi] = [Math.min(from, to), Math.max(from, to)];
        line = lost ? '╌' : '─';
        lineColour = lost ? chalk.red : nodeColour(e.from);
        for (let i = lo + 1; i < hi; i++) {
          cells[i] = line;
          paint[i] = lineColour;
        }
        if (from !== to) mark(e.from, '•', lineColour);
        mark(e.node, lost ? '✗' : from < to ? '▶' : from > to ? '◀' : '↺', lineColour);
        text = `${e.from} → ${e.node}${lost ? ` LOST (${e.reason})` : ''}  ${compact(e.msg, 60)}  ${chalk.dim(`sent ${formatTime(e.sentAt)}`)}`;
        if (lost) textColour = chalk.red;
        break;
      }
      case 'timer':
        mark(e.node, '○');
        text = `${e.node} timer ${compact(e.timer, 40)}`;
        break;
      case 'timeout':
        mark(e.node, '▲', chalk.yellow);
        text = `${e.node} no reply from ${e.waitingFor.join(', ')}`;
        break;
      case 'fact':
        mark(e.node, '●');
        text = `${e.node} ● ${e.fact} ${compact(e.data, 60)}`;
        textColour = chalk.bold;
        break;
      case 'log':
        mark(e.node, '■');
        text = `${e.node} “${e.text}”`;
        textColour = chalk.italic;
        break;
      case 'state':
        mark(e.node, '=');
        text = `${e.node} = ${compact(e.fields, 60)}`;
        textColour = chalk.dim;
        break;
      case 'probe':
        mark(e.node, '◆', chalk.cyan);
        text = `${e.node} reached ${e.probe}`;
        textColour = chalk.cyan;
        break;
      case 'fault':
      case 'recover': {
        const starting = e.kind === 'fault';
        const nodes = faultLanes(e, lanes);
        for (const n of nodes) mark(n, starting ? '!' : '~', starting ? chalk.red.bold : chalk.green);
        text = `${starting ? 'fault: ' : 'over: '}${describeFault(e.fault)}`;
        textColour = starting ? chalk.red.bold : chalk.green;
        break;
      }
      case 'violation':
        for (const n of e.nodes) mark(n, 'X', chalk.red.bold);
        text = `VIOLATION of ${e.property}: ${e.message}`;
        textColour = chalk.red.bold;
        break;
      case 'end':
        text = `end (${e.reason})`;
        textColour = chalk.dim;
        break;
    }
    if ('local' in e && e.local !== e.t) text += chalk.dim(`  (its clock ${formatTime(e.local)})`);
    const row = cells
      .map((glyph, i) => {
        const left = i > lo && i <= hi ? lineColour(line.repeat(mid)) : ' '.repeat(mid);
        const right = i >= lo && i < hi ? lineColour(line.repeat(width - mid - 1)) : ' '.repeat(width - mid - 1);
        return left + (paint[i] ? paint[i]!(glyph) : chalk.dim(glyph)) + right;
      })
      .join('');
    lines.push(chalk.dim(formatTime(e.t).padEnd(timeWidth)) + row + ' ' + textColour(text));
    track(e, paused, down);
  }
  return lines.join('\n');
}

/** The lanes a fault or its end marks: the ones the fault table marks, every lane for a network-wide fault. */
function faultLanes(e: Extract<TraceEvent, { kind: 'fault' | 'recover' }>, lanes: string[]): string[] {
  return faultMarks(e.fault).flatMap((mark) => (mark.node === undefined ? lanes : [mark.node]));
}

/** Which lanes are paused or down after this event. */
function track(e: TraceEvent, paused: Set<string>, down: Set<string>): void {
  if (e.kind !== 'fault' && e.kind !== 'recover') return;
  for (const { node, effect } of faultMarks(e.fault)) {
    const set = effect === 'pause' ? paused : effect === 'crash' ? down : undefined;
    if (set === undefined || node === undefined) continue;
    if (e.kind === 'fault') set.add(node);
    else set.delete(node);
  }
}

function fit(text: string, width: number): string {
  return text.length <= width ? text : text.slice(0, width - 1) + '…';
}
