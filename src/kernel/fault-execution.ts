import { DELIVER, RECOVER, SimEvent, type EventLoop, type Recovery } from './events.js';
import { faultEnd, type Fault, type FaultKind } from './fault.js';
import { cutLinks } from './network.js';
import type { Route } from './runtime.js';
import type { Message } from './workflow.js';

type FaultOf<K extends FaultKind> = Extract<Fault, { kind: K }>;

/**
 * How the kernel carries out one kind of fault: it starts the fault's effect now and
 * returns what undoes it at `faultEnd(fault)`, or nothing if the effect is not undone
 * (a clock step, a crash without restart). The table has one entry per kind, so a new
 * kind does not compile until it says how it is carried out.
 */
type Execution<K extends FaultKind> = (fault: FaultOf<K>, faults: FaultExecutor) => (() => void) | undefined;

function cut(fault: FaultOf<'partition' | 'partition-oneway' | 'partition-bridge'>, { loop, nextId }: FaultExecutor): () => void {
  const id = nextId();
  loop.network.cut(id, cutLinks(fault));
  return () => loop.network.heal(id);
}

/** A per-message fault in force, and the messages it holds back. */
interface Interception {
  fault: FaultOf<'drop-messages' | 'hold-messages'>;
  held: Array<{ message: Message; route: Route }>;
}

/** The body's type, as a per-message fault's `types` names it: its `type` or its `op`. */
function typeOf(body: unknown): unknown {
  if (typeof body !== 'object' || body === null) return undefined;
  const { type, op } = body as { type?: unknown; op?: unknown };
  return type ?? op;
}

function intercept(fault: Interception['fault'], { interceptions }: FaultExecutor): Interception {
  const interception: Interception = { fault, held: [] };
  interceptions.push(interception);
  return interception;
}
const stopIntercepting = (interception: Interception, { interceptions }: FaultExecutor) => void interceptions.splice(interceptions.indexOf(interception), 1);

const EXECUTIONS: { [K in FaultKind]: Execution<K> } = {
  partition: cut,
  'partition-oneway': cut,
  'partition-bridge': cut,
  degrade: (fault, faults) => {
    const id = faults.nextId();
    faults.degradations.push({ id, fault });
    faults.applyDegradations();
    return () => {
      faults.degradations.splice(faults.degradations.findIndex((d) => d.id === id), 1);
      faults.applyDegradations();
    };
  },
  pause: (fault, { loop }) => {
    const node = loop.runtimeOf(fault.node);
    const until = faultEnd(fault)!;
    node.pausedUntil = Math.max(node.pausedUntil, until);
    loop.observe({ t: loop.trueTime, node: node.id, kind: 'pause', data: { until } });
    return () => loop.observe({ t: loop.trueTime, node: node.id, kind: 'resume', data: {} });
  },
  crash: (fault, { loop }) => {
    const node = loop.runtimeOf(fault.node);
    if (!node.up) return undefined;
    node.crash();
    loop.observe({ t: loop.trueTime, node: node.id, kind: 'crash', data: {} });
    if (fault.restartAfter === undefined) return undefined;
    return () => {
      node.restart();
      loop.observe({ t: loop.trueTime, node: node.id, kind: 'restart', data: {} });
    };
  },
  'power-loss': (fault, { loop }) => {
    const crashed = fault.nodes.map((id) => loop.runtimeOf(id)).filter((node) => {
      const wasUp = node.up;
      if (wasUp) {
        node.crash();
        loop.observe({ t: loop.trueTime, node: node.id, kind: 'crash', data: {} });
      }
      node.loseUnsynced(fault.lost); // a node already down loses its page cache too
      return wasUp;
    });
    if (fault.restartAfter === undefined || crashed.length === 0) return undefined;
    return () => {
      for (const node of crashed) {
        node.restart();
        loop.observe({ t: loop.trueTime, node: node.id, kind: 'restart', data: {} });
      }
    };
  },
  'clock-jump': (fault, { loop }) => {
    loop.runtimeOf(fault.node).clock.jump(loop.trueTime, fault.delta);
    return undefined;
  },
  'clock-drift': (fault, { loop }) => {
    loop.runtimeOf(fault.node).clock.setDrift(loop.trueTime, fault.ppm);
    return undefined;
  },
  'drop-messages': (fault, faults) => {
    const interception = intercept(fault, faults);
    return () => stopIntercepting(interception, faults);
  },
  'hold-messages': (fault, faults) => {
    const interception = intercept(fault, faults);
    return () => {
      stopIntercepting(interception, faults);
      const released = fault.release === 'reversed' ? interception.held.reverse() : interception.held;
      // Released at once, in the chosen order: events at one time happen in the order they were queued.
      for (const { message, route } of released) faults.loop.enqueue(new SimEvent(faults.loop.trueTime, DELIVER, route.target, 0, message, route.link));
    };
  },
  steer: (fault, { loop }) => {
    const node = loop.runtimeOf(fault.node);
    const acting = node.up && loop.trueTime >= node.pausedUntil;
    if (acting) node.handlers.onSteer?.(fault.action, true);
    if (fault.duration === undefined) return undefined;
    node.steering.add(fault.action); // a node down now takes it when it restarts
    return () => {
      node.steering.delete(fault.action);
      if (node.up) node.handlers.onSteer?.(fault.action, false);
    };
  },
};

/**
 * Carries out a run's faults at their true times: traces each, reports it as a
 * `fault` fact, and schedules its recovery (traced and reported as `recover`).
 */
export class FaultExecutor {
  /** The degradations in force: every link gets the worst of each. */
  readonly degradations: Array<{ id: number; fault: FaultOf<'degrade'> }> = [];
  /** The per-message faults in force, oldest first: the first that matches a message decides its fate. */
  readonly interceptions: Interception[] = [];
  private lastId = 0;

  constructor(readonly loop: EventLoop) {}

  readonly nextId = (): number => ++this.lastId;

  inject(fault: Fault): void {
    const loop = this.loop;
    loop.record({ t: loop.trueTime, kind: 'fault', fault });
    loop.observe({ t: loop.trueTime, node: '', kind: 'fault', data: { fault } });
    const undo = (EXECUTIONS[fault.kind] as Execution<FaultKind>)(fault, this);
    if (undo !== undefined) loop.enqueue(new SimEvent(faultEnd(fault)!, RECOVER, undefined, 0, { fault, undo } satisfies Recovery));
  }

  recover({ fault, undo }: Recovery): void {
    const loop = this.loop;
    undo();
    loop.record({ t: loop.trueTime, kind: 'recover', fault });
    loop.observe({ t: loop.trueTime, node: '', kind: 'recover', data: { fault } });
  }

  /**
   * Whether a per-message fault takes this message (about to be sent on `route`): a
   * drop loses it (traced as lost by `fault`), a hold keeps it until the fault ends.
   */
  intercepts(message: Message, route: Route): 'drop' | 'hold' | undefined {
    for (const interception of this.interceptions) {
      const { from, to, types } = interception.fault;
      if ((from && !from.includes(message.from)) || (to && !to.includes(message.to)) || (types && !types.includes(typeOf(message.body) as string))) continue;
      if (interception.fault.kind === 'drop-messages') return 'drop';
      interception.held.push({ message, route });
      return 'hold';
    }
    return undefined;
  }

  applyDegradations(): void {
    const network = this.loop.network;
    if (this.degradations.length === 0) return network.degrade(undefined);
    const max = (pick: (f: { loss: number; duplicate: number; reorder: number }) => number) => Math.max(...this.degradations.map((d) => pick(d.fault)));
    network.degrade({ loss: max((f) => f.loss), duplicate: max((f) => f.duplicate), reorder: max((f) => f.reorder) });
  }
}
