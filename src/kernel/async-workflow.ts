import { ConfigError } from './errors.js';
import type { EventLoop } from './events.js';
import type { Effect, NodeContext, Reply } from './node.js';
import type { NodeRuntime } from './runtime.js';
import { formatTime, type Micros } from './time.js';
import { perform } from './workflow.js';

/**
 * What an async workflow sees: its node's context, plus the three waits the kernel
 * drives. `await ctx.sleep(d)`, `await ctx.call(to, body, timeout)` and
 * `await ctx.callAll(requests, timeout)` are the generator workflow's `yield* sleep`,
 * `yield* call` and `yield* callAll`, as promises.
 */
export interface AsyncContext extends NodeContext {
  /** Waits `duration` on this node's monotonic clock. */
  sleep(duration: Micros): Promise<void>;
  /** Sends a request and waits for its reply or the timeout. */
  call<R = any>(to: string, body: unknown, timeout: Micros): Promise<Reply<R>>;
  /** Sends every request at once and waits until all have replied or the timeout passes. */
  callAll<R = any>(requests: Array<{ to: string; body: unknown }>, timeout: Micros): Promise<Reply<R>[]>;
}

/** A client's steps as an async function: `ctx.spawn(async (ctx) => { … await ctx.call(…) … })`. */
export type AsyncWorkflow = (ctx: AsyncContext) => Promise<void>;

/** One running async workflow. */
class Task {
  /** Resumed (or started) by the event being handled: its code may run until the drain after that event ends. */
  awake = true;
  /** The kernel waits (sleeps, calls) it has started and the kernel has not completed. */
  waits = 0;
  done = false;
  failure: { error: unknown } | undefined = undefined;

  constructor(readonly node: NodeRuntime) {}
}

const DONE: IteratorResult<Effect, void> = { done: true, value: undefined };

/**
 * Node's, declared here: the kernel's types stay free of Node's (the report page
 * type-checks kernel files against the DOM), and only a Node run drives async workflows.
 */
declare function setImmediate(callback: () => void): unknown; // allowed: it orders the kernel's own segments, reads no time

/**
 * Drives async workflows on the synchronous event loop, deterministically.
 *
 * An `await` resumes in a microtask, and microtasks run only once the loop's
 * synchronous code has returned. So `Simulation.runAsync` runs the loop in
 * `segment`s: each stops after an event that started or resumed a workflow (a
 * sleep ends, a call's replies are in or its timeout passes: the promise is resolved
 * inside the event), and every continuation that sets off runs to quiescence before
 * true time moves on, in the microtask queue's first-in-first-out order. An event
 * resumes at most one wait, and what each continuation does (send, sleep, call) is
 * what the generator step would do at that point: the interleaving depends only on
 * the seed, and an async workflow gives the trace its generator twin gives.
 *
 * An escape (awaiting a real timer, I/O, `fetch`: a promise the kernel does not
 * resolve) would resume at a real time the run knows nothing of, a silent wrong
 * interleaving. It is caught two ways, each naming the node and the true time: a
 * workflow that, once its event's continuations are done, is neither finished nor
 * waiting for the kernel; and a workflow that touches its context while no event
 * has woken it. The second is exact because no timer or I/O callback can run while
 * a workflow is awake (see `segment`).
 */
export class AsyncDriver {
  private awake: Task[] = [];
  private escape: Error | undefined;

  constructor(private readonly loop: EventLoop) {}

  /** An event started or resumed a workflow: its continuations must run before the next event. */
  get needsDrain(): boolean {
    return this.awake.length > 0;
  }

  spawn(node: NodeRuntime, workflow: AsyncWorkflow): void {
    const task = new Task(node);
    this.awake.push(task);
    Promise.resolve(workflow(this.context(task))).then(
      () => void (task.done = true),
      (error: unknown) => {
        task.done = true;
        task.failure = { error };
      },
    );
  }

  /**
   * Runs `work` (the loop, until it stops for a drain or for good), lets the
   * continuations of the workflows it woke run to quiescence, and checks them;
   * resolves to whether it woke any. `work` and the check are two immediates queued
   * together: Node runs the check phase's queued immediates one after another with
   * the microtasks drained between them, before any timer or I/O callback of the next
   * loop iteration ("The Node.js Event Loop", nodejs.org/learn). So the check runs
   * exactly when the continuations are done, and a foreign callback can only run
   * between segments, when every workflow is asleep.
   */
  segment(work: () => void): Promise<boolean> {
    return new Promise((resolve, reject) => {
      let failed: { error: unknown } | undefined;
      // The two immediates bracket a segment: what runs depends on the seed, not on when they fire.
      setImmediate(() => { // allowed: the first bracket of the segment
        try {
          work();
        } catch (error) {
          failed = { error };
        }
      });
      setImmediate(() => { // allowed: the second bracket of the segment
        const woke = this.needsDrain;
        try {
          if (failed) throw failed.error;
          this.settle();
          resolve(woke);
        } catch (error) {
          reject(error);
        }
      });
    });
  }

  /** The workflows the segment woke are asleep again: each finished, failed, or waits for the kernel. */
  private settle(): void {
    const woken = this.awake;
    this.awake = [];
    for (const task of woken) {
      task.awake = false;
      if (this.escape) break;
      if (task.failure) throw task.failure.error;
      if (!task.done && task.waits === 0) {
        this.escaped(task, 'awaits something the kernel does not drive (a real timer, I/O, fetch, a promise resolved outside the run)');
      }
    }
    if (this.escape) throw this.escape;
  }

  private escaped(task: Task, what: string): Error {
    this.escape ??= new Error(
      `node ${task.node.id}: an async workflow ${what} at true time ${formatTime(this.loop.trueTime)}: ` +
        'a simulated node may await only ctx.sleep, ctx.call and ctx.callAll, so that the kernel decides when it resumes',
    );
    return this.escape;
  }

  /** The workflow's context: the node's, each method first checking that an event of the run woke this workflow. */
  private context(task: Task): AsyncContext {
    const node = task.node.context;
    const awake = <A extends unknown[], R>(method: (...args: A) => R) => (...args: A): R => {
      if (!task.awake) throw this.escaped(task, 'resumed after awaiting something the kernel does not drive (a real timer, I/O, fetch)');
      return method(...args);
    };
    const wait = (effect: Effect) => new Promise<any>((resolve) => this.wait(task, effect, resolve));
    return {
      id: node.id,
      random: node.random,
      disk: node.disk,
      now: awake(node.now),
      send: awake(node.send),
      reply: awake(node.reply),
      setTimer: awake(node.setTimer),
      cancelTimer: awake(node.cancelTimer),
      spawn: awake(node.spawn),
      fact: awake(node.fact),
      log: awake(node.log),
      annotate: awake(node.annotate),
      probe: awake(node.probe),
      sleep: awake((duration: Micros) => wait({ kind: 'sleep', duration })),
      call: awake(async (to: string, body: unknown, timeout: Micros) => (await wait({ kind: 'call', requests: [{ to, body }], timeout }))[0]),
      callAll: awake((requests: Array<{ to: string; body: unknown }>, timeout: Micros) => wait({ kind: 'call', requests, timeout })),
    };
  }

  /** Starts a kernel wait; the event that completes it resolves the promise and wakes the workflow. */
  private wait(task: Task, effect: Effect, resolve: (value: unknown) => void): void {
    task.waits++;
    perform(this.loop, task.node, {
      next: (value) => {
        task.waits--;
        if (!task.awake) {
          task.awake = true;
          this.awake.push(task);
        }
        resolve(value);
        return DONE;
      },
    }, effect);
  }
}

/** An async workflow spawned in a run that cannot drive one (`Simulation.run`, `runScenario`). */
export function asyncNeedsAsyncRun(node: NodeRuntime): ConfigError {
  return new ConfigError(
    `node ${node.id} spawned an async workflow, which only an async run drives: run the scenario with runScenarioAsync or Simulation.runAsync (the CLI and simTest do)`,
  );
}
