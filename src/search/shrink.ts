import {
  ConfigError, milderFields, ModelError, paramValues, runSpecAsync, specOf,
  type Fault, type Micros, type RunResult, type RunSpec, type Scenario,
} from '../kernel/index.js';
import { ddmin } from './ddmin.js';

export interface ShrinkReport {
  property: string;
  /** The run shrinking started from, and its result. */
  from: RunSpec;
  original: RunResult;
  /** The smallest run found that still violates `property`. */
  shrunk: RunSpec;
  shrunkResult: RunResult;
  /** Replays it took. */
  runs: number;
}

export interface ShrinkOptions {
  /** Give up refining after this many replays (each one is a whole run). */
  maxRuns?: number;
}

/**
 * Shrinks a failing run to the few faults and the small system that still break
 * the same property, by replaying edited versions of it. Every edit is kept only
 * when the replay still violates that property (any other outcome, including a
 * different property, a throw or an event budget, counts as "no longer fails"):
 * 1. delta debugging over the fault list (which faults matter);
 * 2. narrowing each remaining fault: shorter pauses, partitions and downtimes,
 *    smaller clock jumps and drifts, no loss, duplication or reordering;
 * 3. the smallest value of each param the scenario marks shrinkable (clients,
 *    operations), then 1 and 2 again while anything still shrinks;
 * 4. ending the run just after the violation.
 */
export async function shrink(scenario: Scenario, original: RunResult, start: Omit<RunSpec, 'seed' | 'faults'> = { overrides: {} }, options: ShrinkOptions = {}): Promise<ShrinkReport> {
  if (original.outcome !== 'violation') throw new Error('shrink: the run to shrink must violate a property');
  const property = original.violation!.property;
  const maxRuns = options.maxRuns ?? 3000;
  let runs = 0;
  let best: RunSpec = specOf(original, start.overrides);
  let bestResult = original;
  const attempt = async (candidate: RunSpec): Promise<boolean> => {
    if (runs >= maxRuns) return false;
    runs++;
    const result = await replay(scenario, candidate);
    if (result?.violation?.property !== property) return false;
    best = candidate;
    bestResult = result;
    return true;
  };
  // Faults after the violation never ran: dropping them should change nothing, but it is checked like any edit.
  const ran = original.faults.filter((f) => f.at <= original.violation!.t);
  if (ran.length < original.faults.length) await attempt({ ...best, faults: ran });

  for (let round = 0; round < 4; round++) {
    const before = JSON.stringify(best);
    // Each subset that still fails becomes `best`, and ddmin's answer is the last of them.
    await ddmin(best.faults, (faults) => attempt({ ...best, faults }));
    for (let i = 0; i < best.faults.length; i++) await narrowFault(i, () => best, attempt);
    await shrinkParams(scenario, () => best, attempt);
    if (JSON.stringify(best) === before) break;
  }
  const cut = bestResult.violation!.t + 1;
  if (cut < (best.overrides.duration ?? scenario.duration)) await attempt({ ...best, overrides: { ...best.overrides, duration: cut } });
  return { property, from: specOf(original, start.overrides), original, shrunk: best, shrunkResult: bestResult, runs };
}

/** One replay of a run spec, or undefined when it throws (it then does not count as failing). */
async function replay(scenario: Scenario, spec: RunSpec): Promise<RunResult | undefined> {
  try {
    return await runSpecAsync(scenario, spec);
  } catch (error) {
    if (error instanceof ConfigError || error instanceof ModelError) return undefined;
    throw error;
  }
}

type Attempt = (candidate: RunSpec) => Promise<boolean>;

/**
 * Tries milder versions of the fault at `index`, field by field as the fault
 * table says (no loss rather than some, a shorter pause, a smaller clock jump),
 * keeping the mildest that still fails.
 */
async function narrowFault(index: number, best: () => RunSpec, attempt: Attempt): Promise<void> {
  const withField = (field: string, value: number): Promise<boolean> => {
    const fault = { ...best().faults[index]!, [field]: value } as Fault;
    return attempt({ ...best(), faults: best().faults.map((f, i) => (i === index ? fault : f)) });
  };
  for (const { field, milder, value } of milderFields(best().faults[index]!)) {
    if (milder === 'zero') {
      if (value > 0) await withField(field, 0);
    } else {
      const sign = Math.sign(value);
      await smallest(Math.abs(value), 1, (size) => withField(field, sign * size));
    }
  }
}

/** For each shrinkable param, the smallest value (down to its `shrinkTo`) that still fails. */
async function shrinkParams(scenario: Scenario, best: () => RunSpec, attempt: Attempt): Promise<void> {
  const values = paramValues(scenario, best().overrides.params);
  for (const [name, param] of Object.entries(scenario.params ?? {})) {
    if (param.shrinkTo === undefined) continue;
    const withValue = (value: number): RunSpec => {
      const { overrides } = best();
      return { ...best(), overrides: { ...overrides, params: { ...overrides.params, [name]: value } } };
    };
    await smallest(values[name]!, param.shrinkTo, (value) => attempt(withValue(value)));
  }
}

/**
 * Binary search for the smallest value in [floor, value) for which `fails` holds,
 * assuming that milder is less likely to fail; to a precision of 1/64 of the value
 * (times in microseconds need no more), and exactly for small counts.
 */
async function smallest(value: Micros, floor: number, fails: (value: number) => Promise<boolean>): Promise<void> {
  if (value <= floor || (await fails(floor))) return;
  let failing = value;
  let passing = floor;
  const precision = Math.max(1, Math.floor(value / 64));
  while (failing - passing > precision) {
    const middle = Math.floor((failing + passing) / 2);
    if (await fails(middle)) failing = middle;
    else passing = middle;
  }
}
