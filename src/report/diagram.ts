import chalk from 'chalk';
import { describeFault, faultMarks, formatTime, type Micros, type RunResult, type TraceEvent } from '../kernel/index.js';
import { compact, nodeColour } from './format.js';
import { runLanes } from './lanes.js';
import { causalSlice } from './slice.js';

/** Which rows of a run the diagram draws, and how wide a line may be. */
export interface DiagramView {
  /** Indexes into the trace of the events to draw, in order (default: every event). */
  rows?: readonly number[];
  /** Characters per line; longer lines are cut with `…` (default: no limit). */
  width?: number;
}

/**
 * The rows a terminal shows by default: the end of the story, up to and just past the
 * violation (or the end of a safe run). `why`: only the violation's causal slice.
 * `window`: the events in that much true time up to the violation; else the last `tail`
 * events (all of the slice with `why`, unless a tail is given).
 */
export function diagramRows(result: RunResult, choice: { why?: boolean; tail?: number; window?: Micros }): { rows: number[]; about: string } {
  const trace = result.trace ?? [];
  const slice = choice.why ? causalSlice(trace, result.violation?.at) : undefined;
  const all = slice?.events ?? trace.map((_, i) => i);
  const end = result.violation?.at ?? result.violation?.t ?? result.endTime;
  const of = slice ? `the ${all.length} events of the violation's causal slice (of ${trace.length})` : `${trace.length} events`;
  // Up to where it went wrong; after that only the violation and the end.
  const before = all.filter((i) => trace[i]!.t <= end);
  const marks = all.filter((i) => trace[i]!.t > end && (trace[i]!.kind === 'violation' || trace[i]!.kind === 'end'));
  if (choice.window !== undefined) {
    const rows = [...before.filter((i) => trace[i]!.t >= end - choice.window!), ...marks];
    return { rows, about: `${rows.length} of ${of}: the ${formatTime(choice.window)} up to ${formatTime(end)}` };
  }
  const rows = [...before.slice(-(choice.tail ?? (slice ? Infinity : 30))), ...marks];
  return { rows, about: rows.length === all.length ? `all ${of}` : `the last ${rows.length} of ${of} up to ${formatTime(end)} (--tail N for more, --window 2s for a span of time)` };
}

/**
 * The run as text: one column per node, one row per event, true time down the
 * left. A message is a line from the sender's column to the receiver's, ending in
 * an arrowhead (delivered) or ✗ (lost). Every mark is a distinct glyph, so the
 * picture reads the same without colour (NO_COLOR, or output not a terminal).
 *
 *   ● fact  ○ timer  ▲ timeout  ■ log  = annotation  ! fault  ~ fault over  X violation
 *   │ up    ┆ paused  (blank) crashed
 */
export function renderDiagram(result: RunResult, view: DiagramView = {}): string {
  const trace = result.trace;
  if (trace === undefined) throw new Error('renderDiagram needs a run recorded with { trace: true }');
  const shown = view.rows === undefined ? undefined : new Set(view.rows);
  // Only the lanes of the nodes the rows concern (every lane for all rows).
  const lanes = shown === undefined ? runLanes(trace, result.faults) : runLanes([...shown].map((i) => trace[i]!), [...shown].flatMap((i) => faultOf(trace[i]!)));
  const column = new Map(lanes.map((id, i) => [id, i]));
  const width = Math.min(12, Math.max(5, ...lanes.map((id) => id.length + 1)));
  const mid = Math.floor((width - 1) / 2);
  const timeWidth = formatTime(result.endTime).length + 2;
  const paused = new Set<string>();
  const down = new Set<string>();
  const lines: string[] = [];

  const header = lanes.map((id) => nodeColour(id)(fit(id, width - 1).padEnd(width))).join('');
  lines.push(chalk.bold('true time'.padEnd(timeWidth)) + header);

  for (let index = 0; index < trace.length; index++) {
    const e = trace[index]!;
    if (shown !== undefined && !shown.has(index)) {
      track(e, paused, down);
      continue;
    }
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
  return (view.width === undefined ? lines : lines.map((line) => cut(line, view.width!))).join('\n');
}

const faultOf = (e: TraceEvent) => (e.kind === 'fault' || e.kind === 'recover' ? [e.fault] : []);

/** A line cut to `width` visible characters (colour codes kept, and reset), ending in `…` if it was longer. */
function cut(line: string, width: number): string {
  let visible = 0;
  let out = '';
  for (const part of line.split(/(\u001b\[[0-9;]*m)/)) {
    if (part.startsWith('\u001b[')) {
      out += part;
      continue;
    }
    const chars = [...part];
    if (visible + chars.length <= width) {
      out += part;
      visible += chars.length;
      continue;
    }
    return out + chars.slice(0, Math.max(0, width - visible - 1)).join('') + '…' + (out.includes('\u001b[') ? '\u001b[0m' : '');
  }
  return out;
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
