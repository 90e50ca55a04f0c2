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

/** `fault`: a `drop-messages` fault matched it. */
export type DropReason = 'partition' | 'loss' | 'crashed' | 'unknown-node' | 'fault';
export type EndReason = 'time-up' | 'violation' | 'budget' | 'idle';
export type TraceKind = TraceEvent['kind'];

/** Where a traced run's events go, one at a time, in order. A plain array is one: the whole trace, in memory. */
export interface TraceRecorder {
  push(event: TraceEvent): void;
}

/**
 * The last `size` events of a run, and every fault and recovery however early: how a
 * run ended (a livelock's 20,000,000 events, a 10-minute run) in bounded memory.
 * `onEvent` sees every event as it happens, for a trace streamed to a file.
 */
export class TraceTail implements TraceRecorder {
  private readonly ring: TraceEvent[] = [];
  private readonly faults: TraceEvent[] = [];
  private next = 0;
  /** Events recorded in all. */
  count = 0;

  constructor(
    readonly size: number,
    private readonly onEvent?: (event: TraceEvent) => void,
  ) {}

  push(event: TraceEvent): void {
    this.count++;
    this.onEvent?.(event);
    if (this.ring.length < this.size) this.ring.push(event);
    else {
      const evicted = this.ring[this.next]!;
      if (evicted.kind === 'fault' || evicted.kind === 'recover') this.faults.push(evicted);
      this.ring[this.next] = event;
      this.next = (this.next + 1) % this.size;
    }
  }

  /** The faults and recoveries that fell out of the window, then the last `size` events, in order. */
  events(): TraceEvent[] {
    return [...this.faults, ...this.ring.slice(this.next), ...this.ring.slice(0, this.next)];
  }
}

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
