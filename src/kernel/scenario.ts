import { drawFaults, type Fault, type FaultMix } from './fault.js';
import type { LinkProfile } from './network.js';
import type { Fact } from './property.js';
import type { Random } from './random.js';
import { ConfigError } from './errors.js';
import { Simulation, type RunResult, type World } from './simulation.js';
import { swarmMix, swarmThin } from './swarm.js';
import type { Micros } from './time.js';

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
  description?: string;
}

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
  /** A fresh collector per run, fed every fact; its rendering is the run's one-line `summary`. */
  summary?: (params: Params<K>) => { collect(fact: Fact): void; render(): string };
}

const SCENARIO = Symbol.for('sim.scenario');

export interface Scenario extends ScenarioSpec {
  readonly [SCENARIO]: true;
  readonly seeds: number;
}

export function defineScenario<K extends string = string>(spec: ScenarioSpec<K>): Scenario {
  const problems: string[] = [];
  if (typeof spec.description !== 'string' || spec.description === '') problems.push('description must be a non-empty string');
  if (!isExpectation(spec.expect)) problems.push(`expect must be 'safe' or { violates: '<property>' }`);
  if (!Number.isInteger(spec.duration) || spec.duration <= 0) problems.push('duration must be a positive integer number of microseconds');
  if (spec.seeds !== undefined && (!Number.isInteger(spec.seeds) || spec.seeds <= 0)) problems.push('seeds must be a positive integer');
  if (typeof spec.build !== 'function') problems.push('build must be a function');
  if (spec.faults !== undefined && typeof spec.faults !== 'function') problems.push('faults must be a function');
  if (spec.summary !== undefined && typeof spec.summary !== 'function') problems.push('summary must be a function');
  if (spec.faults !== undefined && spec.faultMix !== undefined) problems.push('give either faults or faultMix, not both');
  if (spec.faultMix !== undefined && typeof spec.faultMix !== 'function' && typeof spec.faultMix !== 'object') problems.push('faultMix must be a FaultMix or a function returning one');
  for (const [name, param] of Object.entries<ScenarioParam>(spec.params ?? ({} as Record<string, ScenarioParam>))) {
    if (!Number.isInteger(param?.default)) problems.push(`param ${name}: default must be an integer`);
    else if (param.shrinkTo !== undefined && !(Number.isInteger(param.shrinkTo) && param.shrinkTo <= param.default)) {
      problems.push(`param ${name}: shrinkTo must be an integer no larger than the default`);
    }
  }
  if (problems.length > 0) throw new ConfigError(`invalid scenario: ${problems.join('; ')}`);
  return { ...spec, seeds: spec.seeds ?? 100, [SCENARIO]: true };
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
  trace?: boolean;
  /** Replaces the scenario's own schedule (replay files, shrinking). */
  faults?: Fault[];
  /**
   * Swarm testing: the seed first draws which kinds of fault are enabled and how
   * intense they are (from its `swarm` stream), then the schedule as usual.
   */
  swarm?: boolean;
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
    if (!Number.isInteger(value)) throw new ConfigError(`param ${name} must be an integer, not ${JSON.stringify(value)}`);
    values[name] = value;
  }
  return values;
}

/** One run: a pure function of the scenario, the seed, the fault schedule and the overrides. */
export function runScenario(scenario: Scenario, seed: number, options: RunOptions = {}): RunResult {
  const sim = new Simulation({ seed, network: scenario.network, trace: options.trace, maxEvents: scenario.maxEvents });
  const params = paramValues(scenario, options.params);
  const collector = scenario.summary?.(params);
  // Registered before the scenario's properties, so it sees every fact, the breaching one included.
  if (collector) sim.property({ name: 'summary', observe: (fact) => void collector.collect(fact) });
  scenario.build(sim, params);
  sim.schedule(options.faults ?? drawSchedule(scenario, sim, params, options.swarm === true));
  const result = sim.run(options.duration ?? scenario.duration);
  result.summary = collector?.render();
  return result;
}

function drawSchedule(scenario: Scenario, sim: Simulation, params: Params, swarm: boolean): Fault[] {
  const random = sim.random.stream('faults');
  if (scenario.faultMix !== undefined) {
    const mix = typeof scenario.faultMix === 'function' ? scenario.faultMix(sim, params) : scenario.faultMix;
    return drawFaults(random, swarm ? swarmMix(sim.random.stream('swarm'), mix) : mix);
  }
  const scripted = scenario.faults?.(random, sim, params) ?? [];
  return swarm ? swarmThin(sim.random.stream('swarm'), scripted) : scripted;
}

/** How a set of runs compares with what the scenario expects. */
export interface SearchVerdict {
  matches: boolean;
  runs: number;
  /** Runs that violated some property, lowest seed first. */
  violations: RunResult[];
  /** Runs that ran out of their event budget. */
  budgetExceeded: RunResult[];
  /** The run to show: the first unexpected one, else the first violation. */
  shown: RunResult | undefined;
  summary: string;
}

/**
 * A safe scenario matches when no run fails. A known-unsafe one matches when the
 * checker finds its violation in at least one run and no run fails any other way.
 */
export function judge(scenario: Scenario, results: readonly RunResult[]): SearchVerdict {
  const sorted = [...results].sort((a, b) => a.seed - b.seed);
  const violations = sorted.filter((r) => r.outcome === 'violation');
  const budgetExceeded = sorted.filter((r) => r.outcome === 'budget');
  const expected = scenario.expect === 'safe' ? undefined : scenario.expect.violates;
  const unexpected = sorted.find((r) => r.outcome === 'budget' || (r.outcome === 'violation' && r.violation!.property !== expected));
  const found = violations.find((r) => r.violation!.property === expected);
  const matches = unexpected === undefined && (expected === undefined || found !== undefined);
  let summary: string;
  if (unexpected?.outcome === 'budget') summary = `seed ${unexpected.seed} ran out of its event budget (${unexpected.stats.events} events): a hang or livelock`;
  else if (unexpected) summary = `seed ${unexpected.seed} violates ${unexpected.violation!.property}`;
  else if (found) summary = `${violations.length} of ${results.length} seeds violate ${expected}; first: seed ${found.seed}`;
  else if (expected) summary = `no violation of ${expected} in ${results.length} seeds`;
  else summary = `safe over ${results.length} seeds`;
  return { matches, runs: results.length, violations, budgetExceeded, shown: unexpected ?? found, summary };
}
