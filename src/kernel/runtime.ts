import { freeze } from 'immer';
import { asyncNeedsAsyncRun } from './async-workflow.js';
import type { LocalClock } from './clock.js';
import { SimEvent, TIMER, type EventLoop } from './events.js';
import type { Link } from './network.js';
import type { Disk, DiskContents, NodeContext, NodeHandlers, NodeModel } from './node.js';
import type { Random } from './random.js';
import type { Micros } from './time.js';
import { CALL, step, type Message } from './workflow.js';

/**
 * A node as the kernel runs it: its model, clock, random stream and disk, whether it
 * is up, and its volatile state (handlers). Each crash starts a new incarnation:
 * events scheduled and calls made by an earlier one are void.
 */
export class NodeRuntime {
  up = true;
  incarnation = 0;
  pausedUntil: Micros = 0;
  /** Events that came while the node was paused, in the order they came; handed to it when it wakes. */
  readonly held: SimEvent[] = [];
  handlers: NodeHandlers = {};
  readonly disk = new Map<string, unknown>();
  /** Where this node's messages go, by destination: found on the first send, kept for the run. */
  readonly routes = new Map<string, Route>();
  /** Writes since the last sync, oldest first, each with what it replaced: a power loss undoes a suffix of them. */
  readonly unsynced: Array<{ key: string; had: boolean; prior: unknown }> = [];
  /** Lasting steering actions in force: taken again when the node restarts. */
  readonly steering = new Set<string>();
  readonly context: NodeContext;

  constructor(
    readonly id: string,
    readonly model: NodeModel,
    readonly clock: LocalClock,
    readonly random: Random,
    loop: EventLoop,
  ) {
    this.context = createContext(this, loop);
  }

  /** Runs the model: at the start, and again at every restart. */
  boot(): void {
    this.handlers = this.model(this.context) ?? {};
    for (const action of this.steering) this.handlers.onSteer?.(action, true);
  }

  /** Starts the disk with `contents`, as synced writes. */
  fillDisk(contents: DiskContents): void {
    for (const [key, value] of Object.entries(contents)) this.disk.set(key, deepFreeze(value));
  }

  /** Stops the node: volatile state, pending calls and every scheduled timer and workflow are lost; the disk stays. */
  crash(): void {
    this.up = false;
    this.incarnation++;
    this.handlers = {};
    this.pausedUntil = 0;
  }

  /** A power loss: the last `share` of the unsynced writes (rounded up) never reached the disk; the rest did. */
  loseUnsynced(share: number): void {
    const lost = Math.ceil(share * this.unsynced.length);
    for (const { key, had, prior } of this.unsynced.splice(this.unsynced.length - lost).reverse()) {
      if (had) this.disk.set(key, prior);
      else this.disk.delete(key);
    }
    this.unsynced.length = 0;
  }

  restart(): void {
    this.up = true;
    this.boot();
  }
}

/** A destination as a sender keeps it: the node, and the link that carries messages there. */
export interface Route {
  target: NodeRuntime;
  link: Link;
}

/** All a node sees of the world: its own clock, random stream and disk, and the network. */
function createContext(node: NodeRuntime, loop: EventLoop): NodeContext {
  // A synced write makes every earlier write durable too. Emptying an array through
  // `length` is a slow builtin even when it is empty, and most writes find it empty.
  const synced = () => {
    if (node.unsynced.length > 0) node.unsynced.length = 0;
  };
  const disk: Disk = {
    get: <T>(key: string) => node.disk.get(key) as T | undefined,
    set: (key, value) => {
      node.disk.set(key, deepFreeze(value));
      synced();
    },
    delete: (key) => {
      node.disk.delete(key);
      synced();
    },
    write: (key, value) => {
      node.unsynced.push({ key, had: node.disk.has(key), prior: node.disk.get(key) });
      node.disk.set(key, deepFreeze(value));
    },
    sync: synced,
  };
  return {
    id: node.id,
    random: node.random,
    disk,
    now: () => node.clock.read(loop.trueTime),
    send: (to, body) => void loop.send(node, to, body, undefined, undefined),
    reply: (request, body) => void loop.send(node, request.from, body, request.id, (request as Message)[CALL]),
    setTimer: (delay, tag) => {
      const timer = new SimEvent(loop.trueTime + node.clock.trueDuration(delay), TIMER, node, node.incarnation, tag);
      loop.enqueue(timer);
      return timer;
    },
    cancelTimer: (timer) => {
      timer.cancelled = true;
    },
    spawn: (workflow) => {
      if (typeof workflow !== 'function') return step(loop, node, workflow, undefined);
      if (loop.asyncWorkflows === undefined) throw asyncNeedsAsyncRun(node);
      loop.asyncWorkflows.spawn(node, workflow);
    },
    fact: (kind, data) => loop.fact(node, kind, data),
    log: (text) => {
      if (loop.trace) loop.record({ t: loop.trueTime, kind: 'log', node: node.id, local: node.clock.read(loop.trueTime), text: typeof text === 'function' ? text() : text });
    },
    annotate: (fields) => {
      if (loop.trace) loop.record({ t: loop.trueTime, kind: 'state', node: node.id, local: node.clock.read(loop.trueTime), fields: typeof fields === 'function' ? fields() : fields });
    },
    probe: (name) => loop.probe(node, name),
  };
}

/**
 * What is written to a disk is deep-frozen, as immer's `freeze(value, true)` freezes
 * it: a model that changes it in place afterwards gets an error instead of an edit
 * that skipped the disk (and a crash). Plain objects and arrays, nearly everything
 * written, are frozen here in a plain loop (immer classifies each one, then walks it
 * with a callback: it was 5% of `payments-corrected`); Maps, Sets and classes go to
 * immer, which also makes their mutating methods throw.
 */
function deepFreeze<T>(value: T): T {
  if (typeof value !== 'object' || value === null || Object.isFrozen(value)) return value;
  if (Array.isArray(value)) {
    Object.freeze(value);
    for (let i = 0; i < value.length; i++) deepFreeze(value[i]);
    return value;
  }
  const prototype = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null) return freeze(value, true);
  Object.freeze(value);
  for (const key of Object.keys(value)) deepFreeze((value as Record<string, unknown>)[key]);
  return value;
}
