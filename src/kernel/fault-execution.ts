import { RECOVER, SimEvent, type EventLoop, type Recovery } from './events.js';
import { faultEnd, type Fault, type FaultKind } from './fault.js';
import { cutLinks } from './network.js';

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
};

/**
 * Carries out a run's faults at their true times: traces each, reports it as a
 * `fault` fact, and schedules its recovery (traced and reported as `recover`).
 */
export class FaultExecutor {
  /** The degradations in force: every link gets the worst of each. */
  readonly degradations: Array<{ id: number; fault: FaultOf<'degrade'> }> = [];
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

  applyDegradations(): void {
    const network = this.loop.network;
    if (this.degradations.length === 0) return network.degrade(undefined);
    const max = (pick: (f: { loss: number; duplicate: number; reorder: number }) => number) => Math.max(...this.degradations.map((d) => pick(d.fault)));
    network.degrade({ loss: max((f) => f.loss), duplicate: max((f) => f.duplicate), reorder: max((f) => f.reorder) });
  }
}
