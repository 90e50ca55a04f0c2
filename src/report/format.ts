/**
 * The run as lines of text, shared by the CLI (trace tails, fault lists) and the
 * text diagram. A fault's own line comes from the fault table (`describeFault`).
 */
import chalk from 'chalk';
import { describeFault, eventNodes, formatTime, type RunResult, type TraceEvent } from '../kernel/index.js';

const PALETTE = [chalk.cyan, chalk.magenta, chalk.yellow, chalk.green, chalk.blue, chalk.redBright, chalk.cyanBright, chalk.magentaBright, chalk.yellowBright, chalk.greenBright, chalk.blueBright];

/** The same node always gets the same colour (a hash of its name), in every run and every command. */
export function nodeColour(node: string): (text: string) => string {
  let hash = 0;
  for (let i = 0; i < node.length; i++) hash = (hash * 31 + node.charCodeAt(i)) >>> 0;
  return PALETTE[hash % PALETTE.length]!;
}

const NODE_WIDTH = 14;
const pad = (text: string, width: number) => (text.length >= width ? text : text + ' '.repeat(width - text.length));
const node = (id: string) => nodeColour(id)(pad(id, NODE_WIDTH));

export function compact(value: unknown, max = 110): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** One line per event: true time, the node (coloured), what happened, and the node's own clock where it differs. */
export function formatEvent(e: TraceEvent): string {
  const time = chalk.dim(formatTime(e.t));
  const local = 'local' in e && e.local !== e.t ? chalk.dim(`  (its clock: ${formatTime(e.local)})`) : '';
  switch (e.kind) {
    case 'deliver':
      return `${time}  ${node(e.node)} ← ${nodeColour(e.from)(e.from)}  ${compact(e.msg)}${local}`;
    case 'drop':
      return `${time}  ${node(e.node)} ${chalk.red('✗ lost')} from ${nodeColour(e.from)(e.from)} (${e.reason})  ${chalk.dim(compact(e.msg, 80))}`;
    case 'timer':
      return `${time}  ${node(e.node)} ⏱ timer ${compact(e.timer, 60)}${local}`;
    case 'timeout':
      return `${time}  ${node(e.node)} ⏱ no reply from ${e.waitingFor.join(', ')}${local}`;
    case 'fault':
      return `${time}  ${chalk.red.bold('⚡ ' + describeFault(e.fault))}`;
    case 'recover':
      return `${time}  ${chalk.green('✓ over: ' + describeFault(e.fault))}`;
    case 'fact':
      return `${time}  ${node(e.node)} ${chalk.bold('● ' + e.fact)} ${compact(e.data)}${local}`;
    case 'log':
      return `${time}  ${node(e.node)} ${chalk.italic(e.text)}${local}`;
    case 'state':
      return `${time}  ${node(e.node)} ${chalk.dim('= ' + compact(e.fields))}${local}`;
    case 'probe':
      return `${time}  ${node(e.node)} ${chalk.cyan('◆ probe: ' + e.probe)}${local}`;
    case 'violation':
      return `${time}  ${chalk.red.bold(`✗ VIOLATION of ${e.property}: ${e.message}`)}`;
    case 'end':
      return `${time}  ${chalk.dim(`end (${e.reason})`)}`;
  }
}

/**
 * The end of the story: the last `count` messages between the nodes a violation
 * names, and, kept apart so the message traffic cannot crowd them out, the last
 * `count` of their facts, log lines, timeouts and every fault.
 */
export function traceTail(trace: readonly TraceEvent[], nodes: readonly string[], count: number, until = Infinity): TraceEvent[] {
  const involved = new Set(nodes);
  const relevant = trace.filter((e) => {
    if (e.kind === 'violation') return true;
    if (e.t > until) return false;
    if (e.kind === 'fault' || e.kind === 'recover') return true;
    if (e.kind === 'state') return false; // lane annotations for the diagrams; the facts tell the story
    return involved.size === 0 || eventNodes(e).some((n) => involved.has(n));
  });
  const isMessage = (e: TraceEvent) => e.kind === 'deliver' || e.kind === 'drop';
  const keep = new Set([...relevant.filter(isMessage).slice(-count), ...relevant.filter((e) => !isMessage(e)).slice(-count)]);
  return relevant.filter((e) => keep.has(e));
}

export function faultList(result: RunResult): string[] {
  return result.faults.map((f) => `  ${chalk.dim(formatTime(f.at))}  ${describeFault(f)}`);
}
