import { freeze } from 'immer';
import { LocalClock } from './clock.js';
import { faultEnd, validateFaults, type Fault } from './fault.js';
import { cutLinks, DEFAULT_LINK, linkProfileProblems, Network, type LinkProfile } from './network.js';
import type { Disk, Effect, Envelope, NodeContext, NodeHandlers, NodeModel, NodeOptions, Reply, TimerHandle, Workflow } from './node.js';
import type { Breach, Fact, Property, Violation } from './property.js';
import { EventQueue, type Scheduled } from './queue.js';
import { Random, RandomSource } from './random.js';
import type { DropReason, EndReason, TraceEvent } from './trace.js';
import type { Micros } from './time.js';

/** A model or scenario is configured wrongly: the CLI prints the message, not a stack. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** A model threw while handling an event: a bug in the model, reported with its true time. */
export class ModelError extends Error {
  override name = 'ModelError';
  /** Set by whoever knows it, so the report can say how to reproduce the throw. */
  seed: number | undefined;
  constructor(
    readonly t: Micros,
    readonly error: unknown,
  ) {
    super(error instanceof Error ? error.message : String(error), { cause: error });
  }
}

const DELIVER = 0;
const TIMER = 1;
const WAKE = 2;
const CALL_TIMEOUT = 3;
const ACTION = 4;

class SimEvent implements Scheduled, TimerHandle {
  seq = 0;
  cancelled = false;
  constructor(
    public time: Micros,
    readonly type: number,
    readonly node: NodeRuntime | undefined,
    readonly incarnation: number,
    public payload: any,
  ) {}

  get tag(): unknown {
    return this.payload;
  }
}

interface CallGroup {
  workflow: Workflow;
  ids: number[];
  replies: Reply[];
  remaining: number;
  timeout: SimEvent;
}

class NodeRuntime {
  up = true;
  incarnation = 0;
  pausedUntil: Micros = 0;
  handlers: NodeHandlers = {};
  readonly calls = new Map<number, CallGroup>();
  readonly disk = new Map<string, unknown>();
  ctx!: NodeContext;

  constructor(
    readonly id: string,
    readonly model: NodeModel,
    readonly clock: LocalClock,
    readonly random: Random,
  ) {}
}

export interface SimulationOptions {
  seed: number;
  network?: Partial<LinkProfile>;
  /** Record every event (slower; searches run without it and replay the failing seed with it). */
  trace?: boolean;
  /** Stop with a `budget` outcome after this many events: a hang or livelock is a finding too. */
  maxEvents?: number;
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
}

/**
 * The kernel: a virtual clock, an event queue, nodes, the network, faults and
 * properties. Everything random is drawn from streams of one seed, so a run is a
 * pure function of (scenario, seed, faults).
 */
export class Simulation implements World {
  readonly random: RandomSource;
  readonly network: Network;
  private readonly queue = new EventQueue<SimEvent>();
  private readonly nodes = new Map<string, NodeRuntime>();
  private readonly properties: Property[] = [];
  /** For each fact kind, the properties that watch it, in the order they were added. */
  private readonly watchers = new Map<string, Property[]>();
  private readonly factsSeen = new Map<Property, number>();
  private readonly probes: Record<string, number> = {};
  private readonly faults: Fault[] = [];
  private readonly maxEvents: number;
  private readonly trace: TraceEvent[] | undefined;
  private readonly degradations: Array<{ id: number; fault: Extract<Fault, { kind: 'degrade' }> }> = [];
  private now: Micros = 0;
  private nextMessageId = 1;
  private nextCutId = 1;
  private started = false;
  private violation: Violation | undefined;
  private stopReason: EndReason | undefined;
  readonly stats: RunStats = { events: 0, delivered: 0, dropped: 0, facts: 0 };

  constructor(private readonly options: SimulationOptions) {
    this.random = new RandomSource(options.seed);
    this.network = new Network(this.random, { ...DEFAULT_LINK, ...options.network });
    this.maxEvents = options.maxEvents ?? 20_000_000;
    this.trace = options.trace ? [] : undefined;
  }

  get nodeIds(): readonly string[] {
    return [...this.nodes.keys()];
  }

  /** The names of the properties the run checks. */
  get propertyNames(): readonly string[] {
    return this.properties.map((p) => p.name);
  }

  /** True time. For the kernel, checkers and reports only: never hand it to a node. */
  get trueTime(): Micros {
    return this.now;
  }

  node(id: string, model: NodeModel, options: NodeOptions = {}): void {
    if (this.started) throw new ConfigError(`node ${id}: nodes must be added before the run starts`);
    if (this.nodes.has(id)) throw new ConfigError(`node ${id} is added twice`);
    const clock = new LocalClock(options.clockOffset ?? 0, options.clockDriftPpm ?? 0);
    this.nodes.set(id, new NodeRuntime(id, model, clock, this.random.stream(`node:${id}`)));
  }

  property(property: Property<any>): void {
    if (this.started) throw new ConfigError(`property ${property.name}: properties must be added before the run starts`);
    this.properties.push(property);
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

  /** Queues faults to be executed at their true times. */
  schedule(faults: readonly Fault[]): void {
    validateFaults(faults, this.nodeIds);
    for (const fault of faults) {
      this.faults.push(fault);
      this.queue.push(new SimEvent(fault.at, ACTION, undefined, 0, () => this.inject(fault)));
    }
  }

  /** Runs until true time `until`, a violation, or the event budget; whichever comes first. */
  run(until: Micros): RunResult {
    this.start();
    try {
      this.loop(until);
    } catch (error) {
      if (error instanceof ConfigError) throw error;
      const modelError = new ModelError(this.now, error);
      modelError.seed = this.options.seed;
      throw modelError;
    }
    if (this.stopReason === undefined) {
      this.now = until;
      this.stopReason = 'time-up';
      this.finish();
    }
    this.record({ t: this.now, kind: 'end', reason: this.stopReason });
    const factsSeen: Record<string, number> = {};
    for (const property of this.properties) {
      if (property.observe) factsSeen[property.name] = (factsSeen[property.name] ?? 0) + (this.factsSeen.get(property) ?? 0);
    }
    return {
      seed: this.options.seed,
      outcome: this.violation ? 'violation' : this.stopReason === 'budget' ? 'budget' : 'ok',
      violation: this.violation,
      endTime: this.now,
      stats: this.stats,
      faults: this.faults,
      trace: this.trace,
      factsSeen,
      probes: this.probes,
      nodes: this.nodeIds,
      summary: undefined,
    };
  }

  private loop(until: Micros): void {
    const queue = this.queue;
    while (this.stopReason === undefined) {
      const event = queue.peek();
      if (event === undefined || event.time > until) return;
      queue.pop();
      this.now = event.time;
      if (++this.stats.events > this.maxEvents) {
        this.stopReason = 'budget';
        return;
      }
      this.dispatch(event);
    }
  }

  private start(): void {
    if (this.started) throw new Error('a Simulation runs once');
    this.started = true;
    for (const node of this.nodes.values()) this.boot(node);
  }

  private finish(): void {
    const faultsOverAt = this.faults.reduce((latest, f) => Math.max(latest, faultEnd(f) ?? f.at), 0);
    for (const property of this.properties) {
      const breach = property.finish?.({ t: this.now, faultsOverAt });
      if (breach) return this.breached(property, breach);
    }
  }

  private dispatch(event: SimEvent): void {
    if (event.type === ACTION) return event.payload();
    const node = event.node!;
    if (event.type === DELIVER) return this.deliver(node, event);
    if (event.cancelled || event.incarnation !== node.incarnation || !node.up) return;
    if (this.now < node.pausedUntil) return this.postpone(event, node.pausedUntil);
    switch (event.type) {
      case TIMER:
        if (this.trace) this.record({ t: this.now, kind: 'timer', node: node.id, local: node.clock.read(this.now), timer: event.payload });
        node.handlers.onTimer?.(event.payload);
        return;
      case WAKE:
        return this.step(node, event.payload, undefined);
      case CALL_TIMEOUT:
        return this.expireCall(node, event.payload);
    }
  }

  private deliver(node: NodeRuntime, event: SimEvent): void {
    const envelope: Envelope = event.payload;
    if (!node.up) return this.drop(envelope, 'crashed');
    if (this.network.isBlocked(envelope.from, envelope.to)) return this.drop(envelope, 'partition');
    if (this.now < node.pausedUntil) return this.postpone(event, node.pausedUntil);
    this.stats.delivered++;
    if (this.trace) {
      this.record({
        t: this.now, kind: 'deliver', node: node.id, local: node.clock.read(this.now),
        from: envelope.from, id: envelope.id, sentAt: envelope.sentAt, msg: envelope.body,
      });
    }
    if (envelope.inReplyTo !== undefined) {
      const group = node.calls.get(envelope.inReplyTo);
      if (group) return this.answerCall(node, group, envelope);
    }
    node.handlers.onMessage?.(envelope.body, envelope);
  }

  /** A paused node handles nothing: its events wait, in order, until it wakes. */
  private postpone(event: SimEvent, until: Micros): void {
    event.time = until;
    this.queue.push(event);
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

  private send(from: NodeRuntime, to: string, body: unknown, inReplyTo: number | undefined): number {
    const target = this.nodes.get(to);
    if (target === undefined) throw new ConfigError(`node ${from.id} sent a message to '${to}', which the scenario does not have`);
    const envelope: Envelope = { id: this.nextMessageId++, from: from.id, to, body, inReplyTo, sentAt: this.now };
    const routing = this.network.route(from.id, to);
    if (routing.lost !== false) {
      this.drop(envelope, routing.lost);
      return envelope.id;
    }
    for (const delay of routing.delays) {
      this.queue.push(new SimEvent(this.now + delay, DELIVER, target, 0, envelope));
    }
    return envelope.id;
  }

  private step(node: NodeRuntime, workflow: Workflow, value: unknown): void {
    const next = workflow.next(value);
    if (next.done) return;
    const effect: Effect = next.value;
    if (effect.kind === 'sleep') {
      this.queue.push(new SimEvent(this.now + node.clock.trueDuration(effect.duration), WAKE, node, node.incarnation, workflow));
      return;
    }
    if (effect.requests.length === 0) return this.step(node, workflow, []);
    const timeout = new SimEvent(this.now + node.clock.trueDuration(effect.timeout), CALL_TIMEOUT, node, node.incarnation, undefined);
    const group: CallGroup = { workflow, ids: [], replies: [], remaining: effect.requests.length, timeout };
    timeout.payload = group;
    effect.requests.forEach((request, i) => {
      group.replies[i] = { ok: false, from: request.to };
      const id = this.send(node, request.to, request.body, undefined);
      group.ids.push(id);
      node.calls.set(id, group);
    });
    this.queue.push(timeout);
  }

  private answerCall(node: NodeRuntime, group: CallGroup, envelope: Envelope): void {
    const index = group.ids.indexOf(envelope.inReplyTo!);
    node.calls.delete(envelope.inReplyTo!);
    group.replies[index] = { ok: true, from: envelope.from, body: envelope.body };
    if (--group.remaining > 0) return;
    group.timeout.cancelled = true;
    this.step(node, group.workflow, group.replies);
  }

  private expireCall(node: NodeRuntime, group: CallGroup): void {
    const waitingFor: string[] = [];
    group.ids.forEach((id, i) => {
      if (node.calls.delete(id)) waitingFor.push(group.replies[i]!.from);
    });
    if (this.trace) this.record({ t: this.now, kind: 'timeout', node: node.id, local: node.clock.read(this.now), waitingFor });
    this.step(node, group.workflow, group.replies);
  }

  private boot(node: NodeRuntime): void {
    node.ctx ??= this.contextFor(node);
    node.handlers = node.model(node.ctx) ?? {};
  }

  private contextFor(node: NodeRuntime): NodeContext {
    const sim = this;
    const disk: Disk = {
      get: <T>(key: string) => node.disk.get(key) as T | undefined,
      set: (key, value) => void node.disk.set(key, freeze(value, true)),
      delete: (key) => void node.disk.delete(key),
    };
    return {
      id: node.id,
      random: node.random,
      disk,
      now: () => node.clock.read(sim.now),
      send: (to, body) => void sim.send(node, to, body, undefined),
      reply: (request, body) => void sim.send(node, request.from, body, request.id),
      setTimer: (delay, tag) => {
        const timer = new SimEvent(sim.now + node.clock.trueDuration(delay), TIMER, node, node.incarnation, tag);
        sim.queue.push(timer);
        return timer;
      },
      cancelTimer: (timer) => {
        timer.cancelled = true;
      },
      spawn: (workflow) => sim.step(node, workflow, undefined),
      fact: (kind, data) => sim.fact(node, kind, data),
      log: (text) => {
        if (sim.trace) sim.record({ t: sim.now, kind: 'log', node: node.id, local: node.clock.read(sim.now), text });
      },
      probe: (name) => {
        sim.probes[name] = (sim.probes[name] ?? 0) + 1;
        if (sim.trace) sim.record({ t: sim.now, kind: 'probe', node: node.id, local: node.clock.read(sim.now), probe: name });
      },
      annotate: (fields) => {
        if (sim.trace) sim.record({ t: sim.now, kind: 'state', node: node.id, local: node.clock.read(sim.now), fields });
      },
    };
  }

  private fact(node: NodeRuntime, kind: string, data: Record<string, unknown>): void {
    this.stats.facts++;
    if (this.trace) this.record({ t: this.now, kind: 'fact', node: node.id, local: node.clock.read(this.now), fact: kind, data });
    this.observe({ t: this.now, node: node.id, kind, data });
  }

  private observe(fact: Fact): void {
    if (this.violation) return;
    let watching = this.watchers.get(fact.kind);
    if (watching === undefined) {
      watching = this.properties.filter((p) => p.observe !== undefined && (p.watches === undefined || p.watches.includes(fact.kind)));
      this.watchers.set(fact.kind, watching);
    }
    for (const property of watching) {
      this.factsSeen.set(property, (this.factsSeen.get(property) ?? 0) + 1);
      const breach = property.observe!(fact);
      if (breach) return this.breached(property, breach);
    }
  }

  private breached(property: Property, breach: Breach): void {
    this.violation = { property: property.name, message: breach.message, t: this.now, nodes: breach.nodes ?? [] };
    if (breach.at !== undefined) this.violation.at = breach.at;
    this.stopReason = 'violation';
    this.record({ t: this.now, kind: 'violation', property: property.name, message: breach.message, nodes: breach.nodes ?? [] });
  }

  private record(event: TraceEvent): void {
    this.trace?.push(event);
  }

  private inject(fault: Fault): void {
    this.record({ t: this.now, kind: 'fault', fault });
    this.observe({ t: this.now, node: '', kind: 'fault', data: { fault } });
    const end = faultEnd(fault);
    const recoverAt = (action: () => void) => {
      this.queue.push(new SimEvent(end!, ACTION, undefined, 0, () => {
        action();
        this.record({ t: this.now, kind: 'recover', fault });
        this.observe({ t: this.now, node: '', kind: 'recover', data: { fault } });
      }));
    };
    switch (fault.kind) {
      case 'partition':
      case 'partition-oneway':
      case 'partition-bridge': {
        const id = this.nextCutId++;
        this.network.cut(id, cutLinks(fault));
        return recoverAt(() => this.network.heal(id));
      }
      case 'degrade': {
        const id = this.nextCutId++;
        this.degradations.push({ id, fault });
        this.applyDegradations();
        return recoverAt(() => {
          this.degradations.splice(this.degradations.findIndex((d) => d.id === id), 1);
          this.applyDegradations();
        });
      }
      case 'pause': {
        const node = this.nodes.get(fault.node)!;
        node.pausedUntil = Math.max(node.pausedUntil, end!);
        this.observe({ t: this.now, node: node.id, kind: 'pause', data: { until: end } });
        return recoverAt(() => this.observe({ t: this.now, node: node.id, kind: 'resume', data: {} }));
      }
      case 'crash': {
        const node = this.nodes.get(fault.node)!;
        if (!node.up) return;
        node.up = false;
        node.incarnation++;
        node.calls.clear();
        node.handlers = {};
        node.pausedUntil = 0;
        this.observe({ t: this.now, node: node.id, kind: 'crash', data: {} });
        if (end === undefined) return;
        return recoverAt(() => {
          node.up = true;
          this.boot(node);
          this.observe({ t: this.now, node: node.id, kind: 'restart', data: {} });
        });
      }
      case 'clock-jump':
        this.nodes.get(fault.node)!.clock.jump(this.now, fault.delta);
        return;
      case 'clock-drift':
        this.nodes.get(fault.node)!.clock.setDrift(this.now, fault.ppm);
        return;
    }
  }

  private applyDegradations(): void {
    if (this.degradations.length === 0) return this.network.degrade(undefined);
    const max = (pick: (f: { loss: number; duplicate: number; reorder: number }) => number) =>
      Math.max(...this.degradations.map((d) => pick(d.fault)));
    this.network.degrade({ loss: max((f) => f.loss), duplicate: max((f) => f.duplicate), reorder: max((f) => f.reorder) });
  }
}
