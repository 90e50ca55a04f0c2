import { FAULT_TABLE, MAX_CLOCK_JUMP, MAX_DRIFT_PPM, type Fault, type FaultField, type FaultKind, type FaultKindSpec, type FaultMark } from './fault-kinds.js';
import type { Random } from './random.js';
import { ConfigError } from './errors.js';
import type { Micros } from './time.js';

export { MAX_CLOCK_JUMP, MAX_DRIFT_PPM, type Fault, type FaultKind, type FaultMark } from './fault-kinds.js';

/** Every kind, in the table's order (the order a mix weighs them in). */
export const FAULT_KINDS = Object.keys(FAULT_TABLE) as readonly FaultKind[];
/** The kinds a `FaultMix` can draw: all but the scripted-only ones (steering). */
export const DRAWN_KINDS = FAULT_KINDS.filter((kind) => FAULT_TABLE[kind].draw !== undefined);

const entryOf = <F extends Fault>(fault: F): FaultKindSpec<F> => FAULT_TABLE[fault.kind] as unknown as FaultKindSpec<F>;
/** Each kind's fields as entries, listed once: every run validates its schedule through them. */
const FIELDS = Object.fromEntries(FAULT_KINDS.map((kind) => [kind, Object.entries(FAULT_TABLE[kind].fields)])) as Record<FaultKind, Array<[string, FaultField<unknown>]>>;
const fieldsOf = (kind: FaultKind): Array<[string, FaultField<unknown>]> => FIELDS[kind];
const valueOf = (fault: Fault, field: string): unknown => (fault as Record<string, unknown>)[field];

/** When the fault's effect is over (true time), or undefined if it lasts for the rest of the run. */
export function faultEnd(fault: Fault): Micros | undefined {
  return entryOf(fault).end(fault);
}

/** Nodes a fault names: for validation, traces, filters and diagrams. */
export function faultNodes(fault: Fault): string[] {
  const nodes: string[] = [];
  for (const [name, field] of fieldsOf(fault.kind)) {
    const value = valueOf(fault, name);
    if (field.nodes && value !== undefined) nodes.push(...field.nodes(value));
  }
  return nodes;
}

/** The fault in one line: `pause client-1 for 1.5s (stop-the-world)`. */
export function describeFault(fault: Fault): string {
  return entryOf(fault).describe(fault);
}

/** How the fault shows on the lanes of the diagrams. */
export function faultMarks(fault: Fault): FaultMark[] {
  return entryOf(fault).marks(fault);
}

/** The fields through which the shrinker makes this fault milder, in the order it tries them. */
export function milderFields(fault: Fault): Array<{ field: string; milder: 'zero' | 'smaller'; value: number }> {
  return fieldsOf(fault.kind).flatMap(([field, { milder }]) => {
    const value = valueOf(fault, field);
    return milder && typeof value === 'number' ? [{ field, milder, value }] : [];
  });
}

/** Which faults a random schedule may contain, how many, when, and how strong. */
export interface FaultMix {
  /** How many faults, drawn uniformly from [min, max]. */
  count: [number, number];
  /** True-time window the faults start in. */
  window: [Micros, Micros];
  /** Relative weights of the kinds allowed; kinds left out never occur. */
  weights: Partial<Record<FaultKind, number>>;
  /** Nodes that may be paused, crashed or have their clocks disturbed. */
  nodes: string[];
  /** Nodes that partitions split (defaults to `nodes`). */
  partitionable?: string[];
  /** Durations of pauses, partitions and degradations, and the downtime of a crash. */
  duration: [Micros, Micros];
  /** Largest clock step, either way (defaults to the drawn duration). */
  maxJump?: Micros;
  /** Largest drift, either way, in ppm (defaults to 100,000). */
  maxDriftPpm?: number;
}

/** Draws a fault schedule from the seed before the run: the run then executes plain data. */
export function drawFaults(random: Random, mix: FaultMix): Fault[] {
  const kinds = DRAWN_KINDS.filter((k) => (mix.weights[k] ?? 0) > 0);
  if (kinds.length === 0) return [];
  const total = kinds.reduce((sum, k) => sum + mix.weights[k]!, 0);
  const pickKind = (): FaultKind => {
    let draw = random.float() * total;
    for (const k of kinds) if ((draw -= mix.weights[k]!) < 0) return k;
    return kinds[kinds.length - 1]!;
  };
  const between = ([lo, hi]: [number, number]) => random.int(lo, hi);
  const faults: Fault[] = [];
  for (let n = between(mix.count); n > 0; n--) {
    const at = between(mix.window);
    const duration = between(mix.duration);
    faults.push(FAULT_TABLE[pickKind()].draw!({ random, mix, at, duration }));
  }
  return faults.sort((a, b) => a.at - b.at);
}

const isMicros = (v: unknown): boolean => Number.isSafeInteger(v) && (v as number) >= 0;

/** A value as a message shows it: short JSON, or `none`. */
function show(value: unknown): string {
  if (value === undefined) return 'none';
  const text = typeof value === 'function' ? 'a function' : (JSON.stringify(value) ?? String(value));
  return text.length > 60 ? `${text.slice(0, 59)}…` : text;
}

const unknownNode = (what: string, id: string, nodeIds: readonly string[]) =>
  `${what} names node '${id}', which the scenario does not have (it has ${nodeIds.join(', ') || 'no nodes'})`;

/**
 * What is wrong with one fault, if anything: its kind, `at`, each field's range
 * (from the table), fields its kind does not have; and, given the scenario's
 * `nodeIds`, any node it names that the scenario does not have.
 */
function faultProblem(value: unknown, nodeIds?: readonly string[]): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return `must be an object { "at", "kind", … }, not ${show(value)}`;
  const fault = value as Record<string, unknown>;
  const kind = fault.kind as FaultKind;
  if (!FAULT_KINDS.includes(kind)) return `unknown kind ${show(kind)} (kinds: ${FAULT_KINDS.join(', ')})`;
  if (!isMicros(fault.at)) return `"at" must be a non-negative integer (microseconds of true time); it is ${show(fault.at)}`;
  const fields = fieldsOf(kind);
  for (const [name, field] of fields) {
    const v = fault[name];
    if (v === undefined && field.optional) continue;
    if (!field.accepts(v)) return `a ${kind} fault needs a "${name}": ${field.expects}; it has ${show(v)}`;
  }
  const extra = Object.keys(fault).find((name) => name !== 'at' && name !== 'kind' && !Object.hasOwn(FAULT_TABLE[kind].fields, name));
  if (extra !== undefined) return `a ${kind} fault has no field "${extra}" (its fields: ${['at', 'kind', ...fields.map(([name]) => name)].join(', ')})`;
  const stranger = nodeIds && faultNodes(fault as Fault).find((id) => !nodeIds.includes(id));
  return stranger === undefined ? undefined : unknownNode(`a ${kind} fault`, stranger, nodeIds!);
}

/** What is wrong with a fault schedule, if anything: the first bad fault, counted from 1. */
export function faultScheduleProblem(faults: unknown, nodeIds?: readonly string[]): string | undefined {
  if (!Array.isArray(faults)) return `a fault schedule is a list of faults, not ${show(faults)}`;
  for (const [i, fault] of faults.entries()) {
    const problem = faultProblem(fault, nodeIds);
    if (problem) return `fault ${i + 1}: ${problem}`;
  }
  return undefined;
}

/** Throws a ConfigError naming the first bad fault, its field and the allowed range. */
export function validateFaults(faults: unknown, nodeIds: readonly string[]): asserts faults is Fault[] {
  const problem = faultScheduleProblem(faults, nodeIds);
  if (problem) throw new ConfigError(`invalid fault schedule (what the scenario's faults() returned, or a replay file's "faults"): ${problem}`);
}

const MIX_FIELDS: ReadonlyArray<keyof FaultMix> = ['count', 'window', 'weights', 'nodes', 'partitionable', 'duration', 'maxJump', 'maxDriftPpm'];
const isRange = (v: unknown): boolean => Array.isArray(v) && v.length === 2 && isMicros(v[0]) && isMicros(v[1]) && v[0] <= v[1];
const isNames = (v: unknown): boolean => Array.isArray(v) && v.every((n) => typeof n === 'string' && n !== '');
const isUpTo = (v: unknown, max: number): boolean => v === undefined || (isMicros(v) && (v as number) <= max);

/**
 * What is wrong with a fault mix, if anything: unknown fields or kinds, negative
 * weights, reversed ranges, bounds, nodes the scenario does not have, and what
 * each kind it may draw needs (a node to pause, enough nodes to split).
 */
export function faultMixProblem(value: unknown, nodeIds?: readonly string[]): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return `it must be an object { count, window, weights, nodes, duration }, not ${show(value)}`;
  const mix = value as Record<string, unknown>;
  const extra = Object.keys(mix).find((name) => !MIX_FIELDS.includes(name as keyof FaultMix));
  if (extra !== undefined) return `it has no field "${extra}" (its fields: ${MIX_FIELDS.join(', ')})`;
  for (const name of ['count', 'window', 'duration'] as const) {
    if (!isRange(mix[name])) return `"${name}" must be [least, most]: integers with 0 <= least <= most${name === 'count' ? '' : ' (microseconds)'}; it is ${show(mix[name])}`;
  }
  const weights = mix.weights;
  if (typeof weights !== 'object' || weights === null || Array.isArray(weights)) return `"weights" must be an object { kind: weight }; it is ${show(weights)}`;
  for (const [kind, weight] of Object.entries(weights)) {
    if (!FAULT_KINDS.includes(kind as FaultKind)) return `"weights" has an unknown kind ${show(kind)} (kinds: ${FAULT_KINDS.join(', ')})`;
    if (!(typeof weight === 'number' && Number.isFinite(weight) && weight >= 0)) return `"weights.${kind}" must be a number, 0 or more; it is ${show(weight)}`;
  }
  for (const name of ['nodes', 'partitionable'] as const) {
    const names = mix[name];
    if (names === undefined && name === 'partitionable') continue;
    if (!isNames(names)) return `"${name}" must be a list of node names; it is ${show(names)}`;
    const stranger = nodeIds && (names as string[]).find((id) => !nodeIds.includes(id));
    if (stranger !== undefined) return unknownNode(`"${name}"`, stranger, nodeIds!);
  }
  if (!isUpTo(mix.maxJump, MAX_CLOCK_JUMP)) return `"maxJump" must be an integer number of microseconds from 0 to ${MAX_CLOCK_JUMP} (a day); it is ${show(mix.maxJump)}`;
  if (!isUpTo(mix.maxDriftPpm, MAX_DRIFT_PPM)) return `"maxDriftPpm" must be an integer from 0 to ${MAX_DRIFT_PPM}; it is ${show(mix.maxDriftPpm)}`;
  const valid = value as FaultMix;
  for (const kind of FAULT_KINDS) {
    const problem = (valid.weights[kind] ?? 0) > 0 ? FAULT_TABLE[kind].mixProblem(valid) : undefined;
    if (problem) return problem;
  }
  return undefined;
}

/** Throws a ConfigError naming the mix's first bad field and what it may be. */
export function validateFaultMix(mix: unknown, nodeIds: readonly string[]): asserts mix is FaultMix {
  const problem = faultMixProblem(mix, nodeIds);
  if (problem) throw new ConfigError(`invalid faultMix: ${problem}`);
}
