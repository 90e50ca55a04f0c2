import { AsyncDriver } from './async-workflow.js';
import { LocalClock } from './clock.js';
import { ConfigError, ModelError } from './errors.js';
import { CALL_TIMEOUT, DELIVER, FAULT, RECOVER, RELEASE, scheduledInThePast, SimEvent, TIMER, WAKE, type EventLoop } from './events.js';
import { FaultExecutor } from './fault-execution.js';
import { faultEnd, validateFaults, type Fault } from './fault.js';
import { DEFAULT_LINK, linkProfileProblems, Network, type LinkProfile } from './network.js';
import type { DiskContents, Envelope, NodeModel, NodeOptions } from './node.js';
import type { Breach, Fact, Property, Violation } from './property.js';
import { EventQueue } from './queue.js';
import { Random, RandomSource } from './random.js';
import { NodeRuntime, type Route } from './runtime.js';
import { TraceTail, type DropReason, type EndReason, type TraceEvent, type TraceRecorder } from './trace.js';
import type { Micros } from './time.js';
import { answerCall, expireCall, Message, step, waitingCall, type CallGroup } from './workflow.js';

export interface SimulationOptions {
  seed: number;
  network?: Partial<LinkProfile>;
  /** Record every event (slower; searches run without it and replay the failing seed with it). */
  trace?: boolean | TraceRecorder;
  /** Stop with a `budget` outcome after this many events: a hang or livelock is a finding too. */
  maxEvents?: number;
  /** How long the run will last, for checking scripted steps and steering against it (default: unbounded). */
  duration?: Micros;
  /** Keep running after the first breach and list every breach (`RunResult.violations`); the first still decides the verdict. */
  allViolations?: boolean;
}

export interface RunStats {
  events: number;
  delivered: number;
  dropped: number;
  facts: number;
}

export type Outcome = 'ok' | 'violation' | 'budget';

export interface RunResult {
  seed: number;
  outcome: Outcome;
  violation: Violation | undefined;
  /** With `allViolations`: every breach, in the order they happened (the first is `violation`). */
  violations?: Violation[];
  endTime: Micros;
  stats: RunStats;
  faults: Fault[];
  trace: TraceEvent[] | undefined;
  /** How many facts each property (by name) was handed: one never handed any judged nothing. */
  factsSeen: Record<string, number>;
  /** How often each probe (`ctx.probe(name)`) was hit: the rare paths the run reached. */
  probes: Record<string, number>;
  /** The nodes the scenario built, for fault coverage by role. */
  nodes: readonly string[];
  /** The scenario's one-line summary of the run, when it has one (set by `runScenario`). */
  summary: string | undefined;
}

/** What a scenario uses to build its system: nodes, properties, named random streams. */
export interface World {
  node(id: string, model: NodeModel, options?: NodeOptions): void;
  property(property: Property<any>): void;
  /** A named random stream for the scenario's own draws (workload, configuration). */
  stream(name: string): Random;
  link(from: string, to: string, profile: Partial<LinkProfile>): void;
  readonly nodeIds: readonly string[];
  /** How long the run lasts: a scripted step or steering action timed beyond it is refused. */
  readonly duration: Micros;
}

/** A property, and how many facts it has been handed (`RunResult.factsSeen`). */
interface Watcher {
  readonly property: Property;
  seen: number;
}

/**
 * The kernel: a virtual clock, an event queue, nodes, the network, faults and
 * properties. Everything random is drawn from streams of one seed, so a run is a
 * pure function of (scenario, seed, faults). This file is the event loop: it pops
 * events in (time, sequence) order and dispatches them to the nodes (`runtime.ts`),
 * their workflows (`workflow.ts`) and the faults (`fault-execution.ts`), and hands
 * facts to the properties.
 */
export class Simulation implements World, EventLoop {
  readonly random: RandomSource;
  readonly network: Network;
  readonly trace: TraceRecorder | undefined;
  asyncWorkflows: AsyncDriver | undefined;
  private readonly queue = new EventQueue<SimEvent>();
  private readonly nodes = new Map<string, NodeRuntime>();
  /** Every property, in the order added, with how many facts it has been handed. */
  private readonly watchers: Watcher[] = [];
  /** For each fact kind, the watchers of the properties that watch it, in the order they were added. */
  private readonly watchersOf = new Map<string, Watcher[]>();
  private readonly probes: Record<string, number> = {};
  private readonly faults: Fault[] = [];
  private readonly faultExecutor = new FaultExecutor(this);
  private readonly maxEvents: number;
  private now: Micros = 0;
  private nextMessageId = 1;
  private started = false;
  private violation: Violation | undefined;
  private readonly violations: Violation[] = [];
  private stopReason: EndReason | undefined;
  readonly stats: RunStats = { events: 0, delivered: 0, dropped: 0, facts: 0 };

  constructor(private readonly options: SimulationOptions) {
    this.random = new RandomSource(options.seed);
    this.network = new Network(this.random, { ...DEFAULT_LINK, ...options.network });
    this.maxEvents = options.maxEvents ?? 20_000_000;
    this.trace = options.trace === true ? [] : options.trace || undefined;
  }

  get duration(): Micros {
    return this.options.duration ?? Number.MAX_SAFE_INTEGER;
  }

  get nodeIds(): readonly string[] {
    return [...this.nodes.keys()];
  }

  /** The names of the properties the run checks. */
  get propertyNames(): readonly string[] {
    return this.watchers.map((w) => w.property.name);
  }

  /** True time. For the kernel, checkers and reports only: never hand it to a node. */
  get trueTime(): Micros {
    return this.now;
  }

  node(id: string, model: NodeModel, options: NodeOptions = {}): void {
    if (this.started) throw new ConfigError(`node ${id}: nodes must be added before the run starts`);
    if (this.nodes.has(id)) throw new ConfigError(`node ${id} is added twice`);
    const clock = new LocalClock(options.clockOffset ?? 0, options.clockDriftPpm ?? 0);
    this.nodes.set(id, new NodeRuntime(id, model, clock, this.random.stream(`node:${id}`), this));
  }

  property(property: Property<any>): void {
    if (this.started) throw new ConfigError(`property ${property.name}: properties must be added before the run starts`);
    this.watchers.push({ property, seen: 0 });
  }

  stream(name: string): Random {
    return this.random.stream(`world:${name}`);
  }

  link(from: string, to: string, profile: Partial<LinkProfile>): void {
    for (const id of [from, to]) if (!this.nodes.has(id)) throw new ConfigError(`link ${from} -> ${to}: the scenario has no node '${id}' (add nodes before their links)`);
    const problems = linkProfileProblems(profile);
    if (problems.length > 0) throw new ConfigError(`link ${from} -> ${to}: ${problems.join('; ')}`);
    this.network.setLink(from, to, profile);
  }

  /** Starts nodes' disks with what a scenario's `disk` says they hold (before the run). */
  fillDisks(disks: Readonly<Record<string, DiskContents>>): void {
    for (const [id, contents] of Object.entries(disks)) {
      const node = this.nodes.get(id);
      if (node === undefined) throw new ConfigError(`disk: the scenario has no node '${id}' (it has ${this.nodeIds.join(', ')})`);
      node.fillDisk(contents);
    }
  }

  /** Queues faults to be executed at their true times. */
  schedule(faults: readonly Fault[]): void {
    validateFaults(faults, this.nodeIds);
    faults.forEach((fault, i) => {
      const problem = fault.kind === 'steer' ? this.steeringProblem(fault) : undefined;
      if (problem) throw new ConfigError(`invalid fault schedule: fault ${i + 1}: ${problem}`);
    });
    for (const fault of faults) {
      this.faults.push(fault);
      this.enqueue(new SimEvent(fault.at, FAULT, undefined, 0, fault));
    }
  }

  /** What is wrong with a steering action for this run: a node that does not accept it, or a time beyond the run. */
  private steeringProblem(fault: Extract<Fault, { kind: 'steer' }>): string | undefined {
    const steering = this.nodes.get(fault.node)!.model.steering ?? {};
    const accepted = Object.keys(steering);
    const how = steering[fault.action];
    if (how === undefined) return `node ${fault.node} cannot be steered to '${fault.action}' (${accepted.length ? `it accepts ${accepted.join(', ')}` : 'its model accepts no steering'})`;
    if (how === 'lasting' && fault.duration === undefined) return `'${fault.action}' lasts a while: give the steer fault a duration`;
    if (how === 'at-once' && fault.duration !== undefined) return `'${fault.action}' happens at once: give the steer fault no duration`;
    if (fault.at > this.duration) return `steering '${fault.action}' at ${fault.at} µs is beyond the run (${this.duration} µs)`;
    return undefined;
  }

  /** Runs until true time `until`, a violation, or the event budget; whichever comes first. */
  run(until: Micros): RunResult {
    this.start(until);
    this.boot();
    try {
      this.loop(until);
    } catch (error) {
      throw this.modelError(error);
    }
    return this.end(until);
  }

  /**
   * `run` for models with async workflows: the same loop, stopping after each event
   * that started or resumed one so that its continuations run before the next event
   * (`AsyncDriver.segment`). A run without async workflows is one segment, and gives
   * what `run` gives.
   */
  async runAsync(until: Micros): Promise<RunResult> {
    const driver = (this.asyncWorkflows = new AsyncDriver(this));
    this.start(until);
    try {
      // The nodes boot in the first segment: a workflow they spawn is awake from its start.
      let woke = await driver.segment(() => {
        this.boot();
        this.loop(until);
      });
      while (woke) woke = await driver.segment(() => this.loop(until));
    } catch (error) {
      throw this.modelError(error);
    }
    return this.end(until);
  }

  private modelError(error: unknown): Error {
    if (error instanceof ConfigError) return error;
    const modelError = new ModelError(this.now, error);
    modelError.seed = this.options.seed;
    return modelError;
  }

  private end(until: Micros): RunResult {
    if (this.stopReason === undefined) {
      this.now = until;
      this.stopReason = 'time-up';
      this.finish();
    }
    this.record({ t: this.now, kind: 'end', reason: this.stopReason });
    const factsSeen: Record<string, number> = {};
    for (const { property, seen } of this.watchers) {
      if (property.observe) factsSeen[property.name] = (factsSeen[property.name] ?? 0) + seen;
    }
    return {
      seed: this.options.seed,
      outcome: this.violation ? 'violation' : this.stopReason === 'budget' ? 'budget' : 'ok',
      violation: this.violation,
      ...(this.options.allViolations ? { violations: this.violations } : {}),
      endTime: this.now,
      stats: this.stats,
      faults: this.faults,
      trace: Array.isArray(this.trace) ? this.trace : this.trace instanceof TraceTail ? this.trace.events() : undefined,
      factsSeen,
      probes: this.probes,
      nodes: this.nodeIds,
      summary: undefined,
    };
  }

  enqueue(event: SimEvent): void {
    // True time never decreases: an event before the present (a negative latency,
    // delay or duration from a bad configuration) would run a trace backwards.
    if (!(event.time >= this.now)) throw new ConfigError(scheduledInThePast(event, this.now));
    this.queue.push(event);
  }

  runtimeOf(id: string): NodeRuntime {
    return this.nodes.get(id)!;
  }

  /** Pops and dispatches events until the end, or until an event wakes an async workflow (`runAsync` drains, then calls again). */
  private loop(until: Micros): void {
    const queue = this.queue;
    const stats = this.stats;
    const driver = this.asyncWorkflows;
    while (this.stopReason === undefined) {
      if (driver !== undefined && driver.needsDrain) return;
      const event = queue.peek();
      if (event === undefined || event.time > until) return;
      queue.pop();
      this.now = event.time;
      if (++stats.events > this.maxEvents) {
        this.stopReason = 'budget';
        return;
      }
      this.dispatch(event);
    }
  }

  private start(until: Micros): void {
    if (!Number.isInteger(until) || until < 0) throw new ConfigError(`a run must last a whole number of microseconds >= 0, not ${until}`);
    if (this.started) throw new Error('a Simulation runs once');
    this.started = true;
  }

  private boot(): void {
    for (const node of this.nodes.values()) node.boot();
  }

  private finish(): void {
    const faultsOverAt = this.faults.reduce((latest, f) => Math.max(latest, faultEnd(f) ?? f.at), 0);
    for (const { property } of this.watchers) {
      const breach = property.finish?.({ t: this.now, faultsOverAt });
      if (breach) this.breached(property, breach);
      if (this.stoppedByBreach()) return;
    }
  }

  private dispatch(event: SimEvent): void {
    const type = event.type;
    if (type === DELIVER) return this.deliver(event.node!, event);
    if (type === FAULT) return this.faultExecutor.inject(event.payload);
    if (type === RECOVER) return this.faultExecutor.recover(event.payload);
    const node = event.node!;
    if (type === RELEASE) return this.release(node);
    if (event.cancelled || event.incarnation !== node.incarnation || !node.up) return;
    if (this.now < node.pausedUntil) return this.hold(node, event);
    switch (type) {
      case TIMER:
        if (this.trace) this.record({ t: this.now, kind: 'timer', node: node.id, local: node.clock.read(this.now), timer: event.payload });
        node.handlers.onTimer?.(event.payload);
        return;
      case WAKE:
        return step(this, node, event.payload, undefined);
      case CALL_TIMEOUT:
        return expireCall(this, node, event.payload);
    }
  }

  private deliver(node: NodeRuntime, event: SimEvent): void {
    const envelope: Message = event.payload;
    if (!node.up) return this.drop(envelope, 'crashed');
    if (event.link!.cuts > 0) return this.drop(envelope, 'partition');
    if (this.now < node.pausedUntil) return this.hold(node, event);
    this.stats.delivered++;
    if (this.trace) {
      this.record({
        t: this.now, kind: 'deliver', node: node.id, local: node.clock.read(this.now),
        from: envelope.from, id: envelope.id, sentAt: envelope.sentAt, msg: envelope.body,
      });
    }
    if (envelope.inReplyTo !== undefined) {
      const call = waitingCall(node, envelope);
      if (call !== undefined) return answerCall(this, node, call, envelope);
    }
    node.handlers.onMessage?.(envelope.body, envelope);
  }

  /**
   * A paused node handles nothing: its events wait, in the order they came, until it
   * wakes. They wait in one list per node rather than in the queue, so a second pause
   * that outlasts the first keeps them in that order (re-queued, the first pause's
   * events would go behind those the second held).
   */
  private hold(node: NodeRuntime, event: SimEvent): void {
    node.held.push(event);
    if (node.held.length === 1) this.enqueue(new SimEvent(node.pausedUntil, RELEASE, node, 0, undefined));
  }

  /** The pause is over (unless another outlasted it): the held events, in order, each as if it had just come. */
  private release(node: NodeRuntime): void {
    if (this.now < node.pausedUntil) return this.enqueue(new SimEvent(node.pausedUntil, RELEASE, node, 0, undefined));
    let handed = 0;
    while (handed < node.held.length && this.stopReason === undefined) {
      this.dispatch(node.held[handed++]!);
      // An async workflow woken by one must run before the next, as between two events of the queue.
      if (this.asyncWorkflows?.needsDrain && handed < node.held.length) {
        node.held.splice(0, handed);
        return this.enqueue(new SimEvent(this.now, RELEASE, node, 0, undefined));
      }
    }
    node.held.length = 0;
  }

  private drop(envelope: Envelope, reason: DropReason): void {
    this.stats.dropped++;
    if (this.trace) {
      this.record({
        t: this.now, kind: 'drop', node: envelope.to, from: envelope.from, id: envelope.id,
        sentAt: envelope.sentAt, reason, msg: envelope.body,
      });
    }
  }

  send(from: NodeRuntime, to: string, body: unknown, inReplyTo: number | undefined, call: CallGroup | undefined): Message {
    const route = from.routes.get(to) ?? this.routeFrom(from, to);
    const envelope = new Message(this.nextMessageId++, from.id, to, body, inReplyTo, this.now, call);
    const routing = this.network.route(route.link);
    if (routing.lost !== false) {
      this.drop(envelope, routing.lost);
      return envelope;
    }
    const duplicateDelay = routing.duplicateDelay;
    if (this.faultExecutor.interceptions.length > 0) {
      const taken = this.faultExecutor.intercepts(envelope, route);
      if (taken === 'drop') this.drop(envelope, 'fault');
      if (taken !== undefined) return envelope;
    }
    this.enqueue(new SimEvent(this.now + routing.delay, DELIVER, route.target, 0, envelope, route.link));
    if (duplicateDelay !== undefined) this.enqueue(new SimEvent(this.now + duplicateDelay, DELIVER, route.target, 0, envelope, route.link));
    return envelope;
  }

  private routeFrom(from: NodeRuntime, to: string): Route {
    const target = this.nodes.get(to);
    if (target === undefined) throw new ConfigError(`node ${from.id} sent a message to '${to}', which the scenario does not have`);
    const route: Route = { target, link: this.network.link(from.id, to) };
    from.routes.set(to, route);
    return route;
  }

  fact(node: NodeRuntime, kind: string, data: Record<string, unknown>): void {
    this.stats.facts++;
    if (this.trace) this.record({ t: this.now, kind: 'fact', node: node.id, local: node.clock.read(this.now), fact: kind, data });
    this.observe({ t: this.now, node: node.id, kind, data });
  }

  /** A node reached a rare path it marks with `ctx.probe`. */
  probe(node: NodeRuntime, name: string): void {
    this.probes[name] = (this.probes[name] ?? 0) + 1;
    if (this.trace) this.record({ t: this.now, kind: 'probe', node: node.id, local: node.clock.read(this.now), probe: name });
  }

  observe(fact: Fact): void {
    if (this.stoppedByBreach()) return;
    const watching = this.watchersOf.get(fact.kind) ?? this.watchersOfKind(fact.kind);
    for (let i = 0; i < watching.length; i++) {
      const watcher = watching[i]!;
      watcher.seen++;
      const breach = watcher.property.observe!(fact);
      if (breach) this.breached(watcher.property, breach);
      if (this.stoppedByBreach()) return;
    }
  }

  private watchersOfKind(kind: string): Watcher[] {
    const watching = this.watchers.filter(({ property: p }) => p.observe !== undefined && (p.watches === undefined || p.watches.includes(kind)));
    this.watchersOf.set(kind, watching);
    return watching;
  }

  /** A breach stops the run, unless every breach is to be listed. */
  private stoppedByBreach(): boolean {
    return this.stopReason === 'violation';
  }

  private breached(property: Property, breach: Breach): void {
    const violation: Violation = { property: property.name, message: breach.message, t: this.now, nodes: breach.nodes ?? [] };
    if (breach.at !== undefined) violation.at = breach.at;
    this.violation ??= violation;
    if (this.options.allViolations) this.violations.push(violation);
    else this.stopReason = 'violation';
    this.record({ t: this.now, kind: 'violation', property: property.name, message: breach.message, nodes: breach.nodes ?? [] });
  }

  record(event: TraceEvent): void {
    this.trace?.push(event);
  }
}
