import type { AsyncWorkflow } from './async-workflow.js';
import type { Random } from './random.js';
import type { Micros } from './time.js';

/** A message as the network carries it. Replies name the request they answer. */
export interface Envelope<B = unknown> {
  id: number;
  from: string;
  to: string;
  body: B;
  inReplyTo: number | undefined;
  sentAt: Micros;
}

/** A pending timer; pass it to `cancelTimer`. */
export interface TimerHandle {
  readonly tag: unknown;
  cancelled: boolean;
}

/**
 * Durable storage: what survives a crash. Writing is an explicit step, so a model
 * that forgets to persist (or persists too late) loses the state, as a real one
 * would. What is written is deep-frozen (immer's `freeze`): changing it in place
 * later would be a write the model never made, so it throws instead.
 *
 * `set` and `delete` are synced writes (write, then fsync): they survive every
 * crash. `write` only reaches the operating system's page cache: it is read back at
 * once and survives a process crash, but a `power-loss` fault keeps only what was
 * synced and a prefix of what was not (a suffix of the unsynced writes is lost).
 */
export interface Disk {
  get<T>(key: string): T | undefined;
  /** A synced write: `write(key, value)` then `sync()`. */
  set(key: string, value: unknown): void;
  /** A synced delete. */
  delete(key: string): void;
  /** An unsynced write: lost in a power loss unless a `sync()` (or a `set`) follows before it. */
  write(key: string, value: unknown): void;
  /** fsync: every write so far survives a power loss. */
  sync(): void;
}

/**
 * All a node sees of the world: its own clock, its own random stream, its disk,
 * and the network. It never sees true time.
 */
export interface NodeContext {
  readonly id: string;
  /** This node's wall clock, in microseconds (skewed, drifting, jumping). */
  now(): Micros;
  send(to: string, body: unknown): void;
  reply(request: Envelope, body: unknown): void;
  /** Fires after `delay` on this node's monotonic clock (drift stretches it, jumps do not). */
  setTimer(delay: Micros, tag?: unknown): TimerHandle;
  cancelTimer(timer: TimerHandle): void;
  /**
   * Runs a workflow on the event loop, starting now: a generator of effects
   * (`ctx.spawn(steps())`), or an async function of the workflow's own context
   * (`ctx.spawn(async (ctx) => { await ctx.sleep(ms(5)); … })`, see async-workflow.ts).
   */
  spawn(workflow: Workflow | AsyncWorkflow): void;
  readonly random: Random;
  readonly disk: Disk;
  /** Records something that really happened, for the properties and the trace. */
  fact(kind: string, data: Record<string, unknown>): void;
  /**
   * A line for the human-readable trace. Give a function when the line takes work to
   * build (a template with values, a join): it is called only when the run is traced,
   * so a search, which runs untraced, builds nothing.
   */
  log(text: string | (() => string)): void;
  /**
   * What this node believes now, for the trace and its diagram (who holds a lock, a
   * term, a role): each field keeps its value until annotated again; null clears it.
   * Not a fact: properties never see it. Like `log`, it takes a function for fields
   * that take work to build, called only when the run is traced.
   */
  annotate(fields: Record<string, unknown> | (() => Record<string, unknown>)): void;
  /**
   * Marks a rare path as reached ("sometimes" assertions, as FoundationDB's
   * CODE_PROBE and Antithesis's `sometimes`): a retry de-duplicated, a lease that
   * expired while its holder was paused. `sim check` reports which probes a
   * scenario's seeds hit, and a scenario can require some: a safe verdict means
   * little if the seeds never reached the paths that could break it.
   */
  probe(name: string): void;
}

/** A node is small state machine: handlers for messages and timers. */
export interface NodeHandlers<M = any> {
  onMessage?(msg: M, envelope: Envelope<M>): void;
  onTimer?(tag: any): void;
  /** A `steer` fault: take `action` now (`active`), or stop a lasting one (not `active`). See `steerable`. */
  onSteer?(action: string, active: boolean): void;
}

/**
 * The control actions a model accepts from `steer` faults, each taken at once or
 * lasting for the fault's duration: a scenario steering it to anything else is
 * refused before the run.
 */
export type Steering = Readonly<Record<string, 'at-once' | 'lasting'>>;

/**
 * A model builds a node's volatile state and handlers. It runs at start and again
 * on every restart, so everything it does not read back from `ctx.disk` is lost
 * in a crash.
 */
export type NodeModel<M = any> = ((ctx: NodeContext) => NodeHandlers<M> | void) & { readonly steering?: Steering };

/** A model that accepts these steering actions (its handlers' `onSteer` takes them). */
export function steerable<M>(model: (ctx: NodeContext) => NodeHandlers<M>, steering: Steering): NodeModel<M> {
  return Object.assign(model, { steering });
}

export interface NodeOptions {
  /** Initial wall-clock offset from true time. */
  clockOffset?: Micros;
  /** Initial clock drift in parts per million. */
  clockDriftPpm?: number;
}

/** What a node's disk holds when the run starts, key by key (a scenario's `disk`). */
export type DiskContents = Readonly<Record<string, unknown>>;

export type Reply<R = any> = { ok: true; from: string; body: R } | { ok: false; from: string };

/**
 * What a workflow yields to the kernel. Client code that reads best as a sequence
 * of steps (the textbook's async code) is written as a generator of these, run on
 * the same deterministic event loop: no promise runs at a time the kernel does not know.
 */
export type Effect =
  | { kind: 'sleep'; duration: Micros }
  | { kind: 'call'; requests: Array<{ to: string; body: unknown }>; timeout: Micros }
  /**
   * Waits until true time `at` (at once if it has passed): a script's cue, given by
   * the scenario (`follow` in script.ts). The node learns nothing of true time from
   * it; models time their own waits with `sleep`, on their own clocks.
   */
  | { kind: 'until'; at: Micros };

export type Workflow = Generator<Effect, void, any>;

/**
 * One effect as a workflow step: `yield*` yields the effect to the kernel and returns
 * what the kernel resumes it with, shaped by `result`. A small class, not a generator
 * function: every sleep and call would otherwise create, start and finish a
 * generator, and V8 steps a `yield*` through a plain iterator faster than through a
 * generator (about 60 against 90 ns a step, measured alone). It is also its own
 * iterator result (`yield*` reads each result at once, and passes a step's result
 * through to the kernel as it is), so a step allocates nothing more.
 */
class OneEffect<R> implements Generator<Effect, R, any> {
  done = false;
  value: Effect | R | undefined = undefined;
  private started = false;

  constructor(
    private readonly effect: Effect,
    private readonly result: (resumedWith: any) => R,
  ) {}

  next(resumedWith?: unknown): IteratorResult<Effect, R> {
    if (!this.started) {
      this.started = true;
      this.value = this.effect;
    } else if (!this.done) {
      this.done = true;
      this.value = this.result(resumedWith);
    } else return { done: true, value: undefined as R };
    return this as IteratorResult<Effect, R>;
  }

  return(value: R): IteratorResult<Effect, R> {
    this.started = this.done = true;
    return { done: true, value };
  }

  throw(error: unknown): never {
    throw error;
  }

  [Symbol.iterator](): this {
    return this;
  }
}

const nothing = (): void => undefined;
const firstReply = <R>(replies: Reply<R>[]): Reply<R> => replies[0]!;
const allReplies = <R>(replies: Reply<R>[]): Reply<R>[] => replies;

/** `yield* sleep(d)`: waits `d` on this node's monotonic clock. */
export function sleep(duration: Micros): Generator<Effect, void, any> {
  return new OneEffect({ kind: 'sleep', duration }, nothing);
}

/** `const r = yield* call(to, body, timeout)`: sends a request and waits for its reply or the timeout. */
export function call<R = any>(to: string, body: unknown, timeout: Micros): Generator<Effect, Reply<R>, any> {
  return new OneEffect({ kind: 'call', requests: [{ to, body }], timeout }, firstReply<R>);
}

/** Sends every request at once and waits until all have replied or the timeout passes. */
export function callAll<R = any>(requests: Array<{ to: string; body: unknown }>, timeout: Micros): Generator<Effect, Reply<R>[], any> {
  return new OneEffect({ kind: 'call', requests, timeout }, allReplies<R>);
}
