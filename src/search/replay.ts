import { existsSync, readFileSync } from 'node:fs';
import { dirname, relative, resolve, sep } from 'node:path';
import {
  describeExpectation, faultScheduleProblem, formatTime, runMatches, runSpecAsync,
  type Expectation, type RunSpec, type TraceRecorder, type Fault, type Overrides, type RunResult, type Scenario,
} from '../kernel/index.js';

const FORMAT = 'sim-replay/1';

/**
 * A replay file: one run of a scenario as plain data (seed, fault schedule,
 * overrides) and what it is expected to show. Saved after a failure, it is a
 * regression test: once the bug is fixed, change `expect` to "safe".
 */
export interface ReplayFile {
  format: typeof FORMAT;
  /** For people reading the file: what `sim replay` checks. */
  expectation: string;
  expect: Expectation;
  /** The scenario file, relative to the folder of this replay file. */
  scenario: string;
  seed: number;
  faults: Fault[];
  overrides: Overrides;
  /** The violation as it was recorded, to say what changed if it no longer reproduces. */
  recorded?: { property: string; t: number; message: string; events: number };
  /** The version of sim that wrote the file. */
  tool: string;
}

/** A replay file that cannot be read or is not one: the CLI prints the message, exit 2. */
export class ReplayFileError extends Error {
  override name = 'ReplayFileError';
}

export const toolVersion = (): string =>
  (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

/** The replay file for a run: it expects exactly what the run showed. */
export function replayFileFor(scenarioFile: string, savedAs: string, spec: RunSpec, result: RunResult): ReplayFile {
  const expect: Expectation = result.violation ? { violates: result.violation.property } : 'safe';
  return {
    format: FORMAT,
    expectation: `this file expects ${result.violation ? `a violation of ${result.violation.property}` : 'no property to be violated'} when replayed (npx sim replay <this file>)`,
    expect,
    scenario: relative(dirname(resolve(savedAs)), resolve(scenarioFile)).split(sep).join('/'),
    seed: spec.seed,
    faults: spec.faults,
    overrides: spec.overrides,
    recorded: result.violation && { property: result.violation.property, t: result.violation.t, message: result.violation.message, events: result.stats.events },
    tool: toolVersion(),
  };
}

/** The file's text: indented JSON, with one line per fault so a schedule reads as a list. */
export function formatReplayFile(file: ReplayFile): string {
  const placeholder = '\u0000faults';
  const text = JSON.stringify({ ...file, faults: placeholder }, null, 2);
  const faults = file.faults.length === 0 ? '[]' : `[\n${file.faults.map((f) => `    ${JSON.stringify(f)}`).join(',\n')}\n  ]`;
  return text.replace(JSON.stringify(placeholder), faults) + '\n';
}

/** Reads and checks a replay file; `scenarioPath` is where its scenario file is. */
export function readReplayFile(path: string): { replay: ReplayFile; scenarioPath: string } {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new ReplayFileError(`cannot read the replay file ${path}`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new ReplayFileError(`${path} is not JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  const problem = replayProblem(data);
  if (problem) throw new ReplayFileError(`${path} is not a valid replay file: ${problem}`);
  const replay = data as ReplayFile;
  replay.overrides ??= {};
  const scenarioPath = resolve(dirname(path), replay.scenario);
  if (!existsSync(scenarioPath)) throw new ReplayFileError(`${path} replays the scenario ${replay.scenario} (relative to the file), but there is no file at ${relative(process.cwd(), scenarioPath)}`);
  return { replay, scenarioPath };
}

export interface ReplayVerdict {
  /** The file's expectation holds. */
  matches: boolean;
  result: RunResult;
  summary: string;
}

/** The run a replay file stores. */
export const specOfReplay = (replay: ReplayFile): RunSpec => ({ seed: replay.seed, faults: replay.faults, overrides: replay.overrides });

/** Replays the file's run and compares it with what the file expects. */
export async function checkReplay(scenario: Scenario, replay: ReplayFile, options: { trace?: boolean | TraceRecorder } = {}): Promise<ReplayVerdict> {
  const result = await runSpecAsync(scenario, specOfReplay(replay), options);
  const got = result.violation ? `violates ${result.violation.property} at ${formatTime(result.violation.t)}` : result.outcome === 'budget' ? 'runs out of its event budget' : 'violates nothing';
  const expected = replay.expect === 'safe' ? undefined : replay.expect.violates;
  const matches = runMatches(replay.expect, result, false);
  if (!matches) {
    const version = replay.tool === toolVersion() ? '' : ` (the file was written by sim ${replay.tool}; this is ${toolVersion()})`;
    return {
      matches,
      result,
      summary: `does NOT reproduce: the file expects it to ${describeExpectation(replay.expect)}, but now it ${got}. The scenario or a model changed since the file was saved${version}.`,
    };
  }
  const recorded = replay.recorded;
  const moved = recorded && result.violation && (recorded.t !== result.violation.t || recorded.events !== result.stats.events)
    ? ` (recorded at ${formatTime(recorded.t)} after ${recorded.events} events; now ${formatTime(result.violation.t)} after ${result.stats.events})`
    : '';
  return { matches, result, summary: expected ? `reproduces: ${got}${moved}` : `as expected: ${got}` };
}

function replayProblem(data: unknown): string | undefined {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return 'it must be a JSON object';
  const file = data as Record<string, unknown>;
  if (file.format !== FORMAT) return `"format" must be "${FORMAT}"${typeof file.format === 'string' ? `, not "${file.format}"` : ''}`;
  if (typeof file.scenario !== 'string' || file.scenario === '') return '"scenario" must be the path of a scenario file';
  if (!Number.isSafeInteger(file.seed) || (file.seed as number) < 0) return '"seed" must be a non-negative integer';
  const expect = file.expect;
  if (!(expect === 'safe' || (typeof expect === 'object' && expect !== null && typeof (expect as { violates?: unknown }).violates === 'string'))) {
    return `"expect" must be "safe" or { "violates": "<property>" }`;
  }
  if (!Array.isArray(file.faults)) return '"faults" must be a list of faults';
  // Node names are checked when the run schedules the faults: the scenario is not loaded yet.
  const faultProblem = faultScheduleProblem(file.faults);
  if (faultProblem) return faultProblem;
  const overrides = file.overrides ?? {};
  if (typeof overrides !== 'object' || overrides === null || Array.isArray(overrides)) return '"overrides" must be an object';
  const { params, duration, ...rest } = overrides as Record<string, unknown>;
  if (Object.keys(rest).length > 0) return `"overrides" has unknown fields: ${Object.keys(rest).join(', ')} (it may have params and duration)`;
  if (duration !== undefined && !(Number.isSafeInteger(duration) && (duration as number) > 0)) return '"overrides.duration" must be a positive integer (microseconds)';
  if (params !== undefined) {
    if (typeof params !== 'object' || params === null || Array.isArray(params)) return '"overrides.params" must be an object of integers';
    for (const [name, value] of Object.entries(params)) if (!Number.isSafeInteger(value)) return `"overrides.params.${name}" must be an integer`;
  }
  if (typeof file.tool !== 'string') return '"tool" must be the version of sim that wrote the file';
  return undefined;
}
