import type { Fault } from './fault.js';
import type { Micros } from './time.js';

/**
 * One line of the trace. Objects are always built with the same field order, and
 * times are integers, so two runs of one seed serialise to byte-identical JSON Lines.
 * `local` is the node's own clock reading at that moment, beside true time `t`.
 */
export type TraceEvent =
  | { t: Micros; kind: 'deliver'; node: string; local: Micros; from: string; id: number; sentAt: Micros; msg: unknown }
  | { t: Micros; kind: 'drop'; node: string; from: string; id: number; sentAt: Micros; reason: DropReason; msg: unknown }
  | { t: Micros; kind: 'timer'; node: string; local: Micros; timer: unknown }
  | { t: Micros; kind: 'timeout'; node: string; local: Micros; waitingFor: string[] }
  | { t: Micros; kind: 'fault'; fault: Fault }
  | { t: Micros; kind: 'recover'; fault: Fault }
  | { t: Micros; kind: 'fact'; node: string; local: Micros; fact: string; data: unknown }
  | { t: Micros; kind: 'log'; node: string; local: Micros; text: string }
  | { t: Micros; kind: 'state'; node: string; local: Micros; fields: Record<string, unknown> }
  | { t: Micros; kind: 'probe'; node: string; local: Micros; probe: string }
  | { t: Micros; kind: 'violation'; property: string; message: string; nodes: string[] }
  | { t: Micros; kind: 'end'; reason: EndReason };

export type DropReason = 'partition' | 'loss' | 'crashed' | 'unknown-node';
export type EndReason = 'time-up' | 'violation' | 'budget' | 'idle';
export type TraceKind = TraceEvent['kind'];

export function toJsonLines(events: readonly TraceEvent[]): string {
  let out = '';
  for (const e of events) out += JSON.stringify(e) + '\n';
  return out;
}

/** The nodes an event concerns (for filtering a trace to what a violation involves). */
export function eventNodes(e: TraceEvent): string[] {
  switch (e.kind) {
    case 'deliver':
    case 'drop':
      return [e.node, e.from];
    case 'fault':
    case 'recover':
      return 'node' in e.fault ? [e.fault.node] : [];
    case 'violation':
      return e.nodes;
    case 'end':
      return [];
    default:
      return [e.node];
  }
}
