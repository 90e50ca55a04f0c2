import type { AsyncDriver } from './async-workflow.js';
import type { Fault } from './fault.js';
import type { Link, Network } from './network.js';
import type { Envelope, TimerHandle } from './node.js';
import type { Fact } from './property.js';
import type { Scheduled } from './queue.js';
import type { NodeRuntime } from './runtime.js';
import { formatTime, type Micros } from './time.js';
import type { TraceEvent, TraceRecorder } from './trace.js';
import type { CallGroup, Message } from './workflow.js';

/** What a queued event does when its time comes. */
export const DELIVER = 0;
export const TIMER = 1;
/** A workflow's sleep is over. */
export const WAKE = 2;
/** A workflow's call has waited its whole timeout. */
export const CALL_TIMEOUT = 3;
/** A scheduled fault starts. */
export const FAULT = 4;
/** A fault's effect ends. */
export const RECOVER = 5;
/** A paused node's pause is over: the events held for it are handed to it, in the order they came. */
export const RELEASE = 6;

export type EventType = typeof DELIVER | typeof TIMER | typeof WAKE | typeof CALL_TIMEOUT | typeof FAULT | typeof RECOVER | typeof RELEASE;

/**
 * One queued event. A node's events carry the incarnation they were scheduled in,
 * so a crash silently voids its timers and workflows; a timer is its own handle.
 */
export class SimEvent implements Scheduled, TimerHandle {
  // Fields are `declare`d and assigned in the constructor only: plainly declared ones
  // are first defined as undefined (ES2022 class fields), a second round of stores for
  // every event.
  declare time: Micros;
  declare readonly type: EventType;
  declare readonly node: NodeRuntime | undefined;
  declare readonly incarnation: number;
  declare payload: any;
  /** A delivery's link: a partition in force when the message arrives loses it. */
  declare readonly link: Link | undefined;
  declare seq: number;
  declare cancelled: boolean;

  constructor(time: Micros, type: EventType, node: NodeRuntime | undefined, incarnation: number, payload: any, link?: Link) {
    this.time = time;
    this.type = type;
    this.node = node;
    this.incarnation = incarnation;
    this.payload = payload;
    this.link = link;
    this.seq = 0;
    this.cancelled = false;
  }

  get tag(): unknown {
    return this.payload;
  }
}

/** A fault's recovery: what undoes its effect, run at the true time the fault ends. */
export interface Recovery {
  fault: Fault;
  undo: () => void;
}

/**
 * What the parts of the kernel (the node runtime, workflows, fault execution) use
 * of the event loop that `Simulation` runs.
 */
export interface EventLoop {
  /** True time: for the kernel, checkers and reports only; never handed to a node. */
  readonly trueTime: Micros;
  /** The trace being recorded, or undefined when not tracing (then nothing need be built for it). */
  readonly trace: TraceRecorder | undefined;
  readonly network: Network;
  /** Drives async workflows; undefined in a synchronous run (`Simulation.run`), which cannot. */
  readonly asyncWorkflows: AsyncDriver | undefined;
  /** Queues an event; one before the present throws a ConfigError (true time never decreases). */
  enqueue(event: SimEvent): void;
  /** Sends a message; `call` is the workflow call a request belongs to, or a reply answers. */
  send(from: NodeRuntime, to: string, body: unknown, inReplyTo: number | undefined, call: CallGroup | undefined): Message;
  /** Stamps a fact a node reports, traces it, and hands it to the properties that watch its kind. */
  fact(node: NodeRuntime, kind: string, data: Record<string, unknown>): void;
  /** Hands a fact to the properties that watch its kind. */
  observe(fact: Fact): void;
  /** Counts a probe a node hit (and traces it). */
  probe(node: NodeRuntime, name: string): void;
  record(event: TraceEvent): void;
  runtimeOf(id: string): NodeRuntime;
}

/**
 * Why an event would happen before the present, naming what scheduled it: the
 * message of the ConfigError that keeps true time from ever running backwards.
 */
export function scheduledInThePast(event: SimEvent, now: Micros): string {
  const delay = event.time - now;
  const negative = (what: string) => (Number.isNaN(delay) ? `${what} of NaN` : `negative ${what} ${delay}µs`);
  const drift = "(in true time; a clock's drift must stay above -1,000,000 ppm)";
  switch (event.type) {
    case DELIVER: {
      const { from, to }: Envelope = event.payload;
      return `link ${from}->${to} gave a ${negative('latency')}: latency must be >= 0 (check the scenario's network and link profiles)`;
    }
    case TIMER:
      return `node ${event.node!.id} set a timer with a ${negative('delay')} ${drift}: a timer's delay must be >= 0`;
    case WAKE:
      return `a workflow of node ${event.node!.id} slept for a ${negative('duration')} ${drift}: a sleep must be >= 0`;
    case CALL_TIMEOUT:
      return `a workflow of node ${event.node!.id} made a call with a ${negative('timeout')} ${drift}: a timeout must be >= 0`;
    case FAULT:
    case RECOVER: {
      const fault: Fault = event.type === FAULT ? event.payload : (event.payload as Recovery).fault;
      const when = event.type === FAULT ? 'starts' : 'would end';
      return `a ${fault.kind} fault ${when} at ${event.time}µs, before the present (${formatTime(now)}): a fault's time and duration must be >= 0`;
    }
    case RELEASE:
      return `node ${event.node!.id}'s pause would end before the present: a pause's duration must be >= 0`;
  }
}
