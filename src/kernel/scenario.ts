import { drawFaults, validateFaultMix, type Fault, type FaultMix } from './fault.js';
import { linkProfileProblems, type LinkProfile } from './network.js';
import type { DiskContents } from './node.js';
import type { Fact } from './property.js';
import type { Random } from './random.js';
import { ConfigError, ModelError } from './errors.js';
import { Simulation, type RunResult, type World } from './simulation.js';
import { swarmMix, swarmThin } from './swarm.js';
import type { Micros } from './time.js';
import type { TraceRecorder } from './trace.js';

/** What a scenario promises: no property fails, or this property is found to fail. */
export type Expectation = 'safe' | { violates: string };

/**
 * A number the scenario's system is built from (clients, operations, servers),
 * with its default. A replay file can override it; the shrinker tries values down
 * to `shrinkTo` when the scenario gives one, keeping the smallest that still fails.
 */
export interface ScenarioParam {
  default: number;
  shrinkTo?: number;
  /**
   * The largest value a replay file or an override may give (default: ten times
   * the default, at least 10): a typo of 100,000,000 clients is refused rather
   * than running out of memory minutes later.
   */
  max?: number;
  description?: string;
}

/** The largest value a param accepts. */
export const paramMax = (param: ScenarioParam): number => param.max ?? Math.max(10, param.default * 10);

/** The values of a scenario's params for one run: defaults, then overrides. */
export type Params<K extends string = string> = Readonly<Record<K, number>>;

export interface ScenarioSpec<K extends string = string> {
  /** One line: the system, the faults, and what should happen. */
  description: string;
  expect: Expectation;
  /** True time each run lasts. */
  duration: Micros;
  /** Seeds `sim check` runs (and `sim run` searches when no seed is given). */
  seeds?: number;
  /** Event budget per run; a run that exceeds it is a finding (a hang or livelock). */
  maxEvents?: number;
  /** Default link profile for every link. */
  network?: Partial<LinkProfile>;
  /** Sizes the system is built from, with defaults; `build` and `faults` receive their values. */
  params?: Record<K, ScenarioParam>;
  /** Adds the nodes and the properties. Draws must come from `world.stream(...)`. */
  build(world: World, params: Params<K>): void;
  /** The fault schedule, scripted or drawn from `random` (the seed's `faults` stream). */
  faults?(random: Random, world: World, params: Params<K>): Fault[];
  /**
   * Instead of `faults`: the kernel draws each seed's schedule from this mix, so a
   * swarm search (`RunOptions.swarm`) can vary which kinds occur and how intensely.
   */
  faultMix?: FaultMix | ((world: World, params: Params<K>) => FaultMix);
  /**
   * Probes (`ctx.probe(name)`) that some seed must hit for the verdict to count:
   * a safe scenario whose seeds never reach a recovery path says nothing about it.
   */
  requires?: string[];
  /**
   * Node roles (names without their number: `storage`, `client`) that need not be
   * crashed, paused or clock-shifted by the scenario's faults, each with the reason
   * ("the card network is the ground truth: it never loses state"); `'*'` exempts
   * every role (a study, which measures under faults it scripts per cell). Every
   * other role of a safe scenario must be reached by each over the scenario's seeds,
   * or `sim check` fails it; `sim check --coverage` shows what reached what.
   */
  exempt?: Record<string, string>;
  /**
   * What nodes' disks hold when the run starts, by node and key (a lock service whose
   * last fencing token is 32, a Raft server's term and log): a published story's
   * starting state, read by the models as they read their own writes.
   */
  disk?: Readonly<Record<string, DiskContents>>;
  /** A fresh collector per run, fed every fact; its rendering is the run's one-line `summary`. */
  summary?: (params: Params<K>) => { collect(fact: Fact): void; render(): string };
}

const SCENARIO = Symbol.for('sim.scenario');

export interface Scenario extends ScenarioSpec {
  readonly [SCENARIO]: true;
  readonly seeds: number;
}

const SPEC_FIELDS = ['description', 'expect', 'duration', 'seeds', 'maxEvents', 'network', 'params', 'build', 'faults', 'faultMix', 'disk', 'summary', 'requires', 'exempt'];

export function defineScenario<K extends string = string>(spec: ScenarioSpec<K>): Scenario {
  const problems: string[] = [];
  if (typeof spec !== 'object' || spec === null) throw new ConfigError('invalid scenario: defineScenario takes an object: { description, expect, duration, build, ... }');
  for (const field of Object.keys(spec).filter((f) => !SPEC_FIELDS.includes(f))) {
    const near = closest(field, SPEC_FIELDS);
    problems.push(`unknown field '${field}'${near ? ` (did you mean '${near}'?)` : ` (fields: ${SPEC_FIELDS.join(', ')})`}`);
  }
  if (typeof spec.description !== 'string' || spec.description === '') problems.push('description must be a non-empty string');
  if (!isExpectation(spec.expect)) problems.push(`expect must be 'safe' or { violates: '<property>' }`);
  if (!Number.isSafeInteger(spec.duration) || spec.duration <= 0) problems.push('duration must be a positive integer number of microseconds (use seconds(20), ms(500))');
  if (spec.seeds !== undefined && (!Number.isSafeInteger(spec.seeds) || spec.seeds <= 0)) problems.push('seeds must be a positive integer');
  if (spec.maxEvents !== undefined && (!Number.isSafeInteger(spec.maxEvents) || spec.maxEvents <= 0)) problems.push(`maxEvents must be a positive integer, not ${JSON.stringify(spec.maxEvents)}`);
  if (spec.network !== undefined) problems.push(...linkProfileProblems(spec.network).map((p) => `network: ${p}`));
  if (typeof spec.build !== 'function') problems.push('build must be a function');
  if (spec.faults !== undefined && typeof spec.faults !== 'function') problems.push('faults must be a function');
  if (spec.summary !== undefined && typeof spec.summary !== 'function') problems.push('summary must be a function');
  if (spec.exempt !== undefined && !(typeof spec.exempt === 'object' && spec.exempt !== null && Object.values(spec.exempt).every((why) => typeof why === 'string' && why !== ''))) {
    problems.push('exempt must map each exempt role to the reason it is exempt');
  }
  if (spec.requires !== undefined && !(Array.isArray(spec.requires) && spec.requires.every((p) => typeof p === 'string' && p !== ''))) problems.push('requires must be a list of probe names');
  const isObject = (v: unknown) => typeof v === 'object' && v !== null && !Array.isArray(v);
  if (spec.disk !== undefined && !(isObject(spec.disk) && Object.values(spec.disk).every(isObject))) problems.push("disk must map node names to their disk's contents: { lock: { 'last-token': 32 } }");
  if (spec.faults !== undefined && spec.faultMix !== undefined) problems.push('give either faults or faultMix, not both');
  if (spec.faultMix !== undefined && typeof spec.faultMix !== 'function' && typeof spec.faultMix !== 'object') problems.push('faultMix must be a FaultMix or a function returning one');
  if (spec.params !== undefined && (typeof spec.params !== 'object' || spec.params === null)) problems.push('params must be an object of { default, shrinkTo?, max? }');
  for (const [name, param] of Object.entries<ScenarioParam>(spec.params ?? ({} as Record<string, ScenarioParam>))) {
    if (!Number.isSafeInteger(param?.default) || param.default < 0) problems.push(`param ${name}: default must be an integer >= 0`);
    else if (param.shrinkTo !== undefined && !(Number.isSafeInteger(param.shrinkTo) && param.shrinkTo >= 0 && param.shrinkTo <= param.default)) {
      problems.push(`param ${name}: shrinkTo must be an integer between 0 and the default (${param.default})`);
    } else if (param.max !== undefined && !(Number.isSafeInteger(param.max) && param.max >= param.default)) {
      problems.push(`param ${name}: max must be an integer no smaller than the default (${param.default})`);
    }
  }
  if (problems.length > 0) throw new ConfigError(`invalid scenario: ${problems.join('; ')}`);
  return { ...spec, seeds: spec.seeds ?? 100, [SCENARIO]: true };
}

/** The name in `names` closest to a mistyped one (at most two edits away), for "did you mean". */
function closest(typed: string, names: readonly string[]): string | undefined {
  const distance = (a: string, b: string): number => {
    const row = Array.from({ length: b.length + 1 }, (_, j) => j);
    for (let i = 1; i <= a.length; i++) {
      let diagonal = row[0]!;
      row[0] = i;
      for (let j = 1; j <= b.length; j++) {
        const above = row[j]!;
        row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, diagonal + (a[i - 1]!.toLowerCase() === b[j - 1]!.toLowerCase() ? 0 : 1));
        diagonal = above;
      }
    }
    return row[b.length]!;
  };
  const best = names.map((name) => ({ name, d: distance(typed, name) })).sort((a, b) => a.d - b.d)[0];
  return best && best.d <= 2 ? best.name : undefined;
}

export function isScenario(value: unknown): value is Scenario {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[SCENARIO] === true;
}

function isExpectation(value: unknown): value is Expectation {
  if (value === 'safe') return true;
  return typeof value === 'object' && value !== null && typeof (value as { violates?: unknown }).violates === 'string';
}

export function describeExpectation(expect: Expectation): string {
  return expect === 'safe' ? 'safe' : `violates ${expect.violates}`;
}

/** What a replay file or the shrinker changes besides the fault schedule. */
export interface Overrides {
  /** Param values replacing the defaults. */
  params?: Record<string, number>;
  /** True time the run lasts, replacing the scenario's `duration`. */
  duration?: Micros;
}

export interface RunOptions extends Overrides {
  trace?: boolean | TraceRecorder;
  /** Replaces the scenario's own schedule (replay files, shrinking). */
  faults?: Fault[];
  /** Keep running after the first breach and list them all (`RunResult.violations`). */
  allViolations?: boolean;
  /**
   * Swarm testing: the seed first draws which kinds of fault are enabled and how
   * intense they are (from its `swarm` stream), then the schedule as usual.
   */
  swarm?: boolean;
}

/**
 * Everything one run is a function of, besides the scenario: its seed, the faults
 * it executes and the overrides it is given. A replay file stores exactly this, the
 * shrinker edits it, and `runSpec` runs it again, identically.
 */
export interface RunSpec {
  seed: number;
  faults: Fault[];
  overrides: Overrides;
}

/** The spec of a run as it ran: its seed, the faults it had, the overrides it was given. */
export const specOf = (result: RunResult, overrides: Overrides = {}): RunSpec => ({ seed: result.seed, faults: result.faults, overrides });

/** Runs exactly the run a spec describes. */
export function runSpec(scenario: Scenario, spec: RunSpec, options: { trace?: boolean | TraceRecorder; allViolations?: boolean } = {}): RunResult {
  return runScenario(scenario, spec.seed, { faults: spec.faults, ...spec.overrides, ...options });
}

/** `runSpec` for any scenario, its models' async workflows included. */
export function runSpecAsync(scenario: Scenario, spec: RunSpec, options: { trace?: boolean | TraceRecorder; allViolations?: boolean } = {}): Promise<RunResult> {
  return runScenarioAsync(scenario, spec.seed, { faults: spec.faults, ...spec.overrides, ...options });
}

/** The scenario's params: defaults, with `overrides` applied; unknown names are a ConfigError. */
export function paramValues(scenario: Scenario, overrides: Record<string, number> = {}): Params {
  const declared: Record<string, ScenarioParam> = scenario.params ?? {};
  const values: Record<string, number> = {};
  for (const [name, param] of Object.entries(declared)) values[name] = param.default;
  for (const [name, value] of Object.entries(overrides)) {
    if (!(name in declared)) {
      const known = Object.keys(declared);
      throw new ConfigError(`the scenario has no param '${name}' (${known.length ? `it has ${known.join(', ')}` : 'it has no params'})`);
    }
    const param = declared[name]!;
    if (!Number.isSafeInteger(value) || value < 0 || value > paramMax(param)) {
      throw new ConfigError(`param ${name} must be an integer from 0 to ${paramMax(param)}, not ${JSON.stringify(value)}${param.max === undefined ? ' (the scenario can raise the limit with the param\'s max)' : ''}`);
    }
    values[name] = value;
  }
  return values;
}

/**
 * One run: a pure function of the scenario, the seed, the fault schedule and the
 * overrides. Synchronous, for models of handlers and generator workflows; a model
 * that spawns an async workflow needs `runScenarioAsync`.
 */
export function runScenario(scenario: Scenario, seed: number, options: RunOptions = {}): RunResult {
  const { sim, until, done } = prepareRun(scenario, seed, options);
  return done(sim.run(until));
}

/** One run of any scenario, its models' async workflows included (what the CLI and simTest run). */
export async function runScenarioAsync(scenario: Scenario, seed: number, options: RunOptions = {}): Promise<RunResult> {
  const { sim, until, done } = prepareRun(scenario, seed, options);
  return done(await sim.runAsync(until));
}

/** A run's simulation, built and scheduled, and what completes its result. */
function prepareRun(scenario: Scenario, seed: number, options: RunOptions): { sim: Simulation; until: Micros; done: (result: RunResult) => RunResult } {
  const duration = options.duration ?? scenario.duration;
  const sim = new Simulation({ seed, network: scenario.network, trace: options.trace, maxEvents: scenario.maxEvents, duration, allViolations: options.allViolations });
  const params = paramValues(scenario, options.params);
  const collector = scenario.summary?.(params);
  // Registered before the scenario's properties, so it sees every fact, the breaching one included.
  if (collector) sim.property({ name: 'summary', observe: (fact) => void collector.collect(fact) });
  buildSystem(scenario, sim, params, seed);
  if (scenario.disk) sim.fillDisks(scenario.disk);
  if (scenario.expect !== 'safe' && !sim.propertyNames.includes(scenario.expect.violates)) {
    const checked = sim.propertyNames.filter((name) => name !== 'summary');
    throw new ConfigError(`expect: { violates: '${scenario.expect.violates}' } names no property this scenario checks (it checks ${checked.join(', ') || 'none'})`);
  }
  sim.schedule(options.faults ?? drawSchedule(scenario, sim, params, options.swarm === true));
  const done = (result: RunResult): RunResult => {
    result.summary = collector?.render();
    // The collector rides on the property mechanism but judges nothing: it is not counted as one.
    if (collector) delete result.factsSeen.summary;
    return result;
  };
  return { sim, until: duration, done };
}

/**
 * The scenario's `build`. One that throws is a bug in the scenario, not the
 * kernel: for every seed (a ConfigError: fix the file), or for this seed only (a
 * ScenarioBuildError: reported with the seed that reproduces it).
 */
function buildSystem(scenario: Scenario, sim: Simulation, params: Params, seed: number): void {
  try {
    scenario.build(sim, params);
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    const message = error instanceof Error ? error.message : String(error);
    let everySeed = true;
    try {
      scenario.build(new Simulation({ seed: seed + 1 }), params);
      everySeed = false;
    } catch {
      // It throws for another seed too: the scenario's build is wrong whatever the seed.
    }
    if (everySeed) throw new ConfigError(`the scenario's build throws: ${message}`);
    throw new ScenarioBuildError(seed, error);
  }
}

/** A scenario's `build` threw for one seed but not for others: reported with that seed. */
export class ScenarioBuildError extends ModelError {
  override name = 'ScenarioBuildError';
  constructor(seed: number, error: unknown) {
    super(0, error);
    this.seed = seed;
    this.message = `the scenario's build threw for seed ${seed} (not for every seed): ${this.message}`;
  }
}

function drawSchedule(scenario: Scenario, sim: Simulation, params: Params, swarm: boolean): Fault[] {
  const random = sim.random.stream('faults');
  if (scenario.faultMix !== undefined) {
    const mix = typeof scenario.faultMix === 'function' ? scenario.faultMix(sim, params) : scenario.faultMix;
    validateFaultMix(mix, sim.nodeIds);
    return drawFaults(random, swarm ? swarmMix(sim.random.stream('swarm'), mix) : mix);
  }
  const scripted = scenario.faults?.(random, sim, params) ?? [];
  return swarm ? swarmThin(sim.random.stream('swarm'), scripted) : scripted;
}
