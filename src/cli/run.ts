/** `sim run` and `sim replay`: a search or one seed, and the one run they show in full. */
import chalk from 'chalk';
import { closeSync, openSync, writeSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  describeExpectation, formatDuration, formatTime, judge, paramValues, runMatches, runScenarioAsync, runSpecAsync, specOf, TraceTail,
  type RunResult, type RunSpec, type Scenario, type SearchVerdict,
} from '../kernel/index.js';
import { causalSlice, diagramRows, renderDiagram, type ReportSubject } from '../report/index.js';
import { seedRunner } from '../search/pool.js';
import { checkReplay, readReplayFile, specOfReplay } from '../search/replay.js';
import { searchSeeds } from '../search/search.js';
import { shrink, type ShrinkReport } from '../search/shrink.js';
import { faultList, formatEvent, traceTail } from '../report/format.js';
import { loadScenario, type LoadedScenario } from '../search/scenario-file.js';
import { progressLine } from './progress.js';
import { cannotWrite, forScenarioFile, onInterrupt } from './common.js';

export interface RunCommandOptions {
  /** The file the shown run's trace goes to (streamed there when the run is too long to keep whole). */
  trace?: string;
  seed?: number;
  seeds?: number;
  seedRange?: [number, number];
  /** Param values replacing the scenario's defaults (`--param users=1000000`). */
  params?: Record<string, number>;
  /** Wall-clock budget in milliseconds. */
  time?: number;
  jobs: number;
  swarm?: boolean;
  shrink: boolean;
  tail?: number;
  window?: number;
  why?: boolean;
  quiet?: boolean;
  verbose?: boolean;
  html?: string;
  diagram?: boolean;
  /** Keep the shown run going after its first breach and list every breach (the first still decides). */
  allViolations?: boolean;
}

/**
 * The run a command shows in full: the single seed, or the search's lowest failing
 * seed, shrunk when it violated a property. Everything that writes a run out
 * (--trace, --save, ...) takes this one.
 */
export interface ShownRun {
  /** Where the scenario file is (for replay files). */
  scenarioPath: string;
  /** What the run is a function of: a replay file stores exactly this. */
  spec: RunSpec;
  /** The run itself, with its trace. */
  result: RunResult;
  shrink?: ShrinkReport;
  /** What the HTML page says the run is of. */
  subject: ReportSubject;
  /**
   * The run was too long to keep whole: its trace is the tail (and every fault), and
   * `--trace`'s file, if asked for, was streamed as it ran.
   */
  tailOnly?: boolean;
  /** Its whole trace went to `--trace`'s file as it ran. */
  traceStreamed?: boolean;
}

export interface RunOutcome {
  matches: boolean;
  shown: ShownRun | undefined;
  /** The user stopped the search (Ctrl-C): exit 130. */
  interrupted?: boolean;
}

/** The command that runs one seed again as this command ran it. */
function reproduce(loaded: LoadedScenario, seed: number, options: Pick<RunCommandOptions, 'swarm' | 'params'>): string {
  const params = Object.entries(options.params ?? {}).map(([name, value]) => ` --param ${name}=${value}`).join('');
  return `npx sim run ${loaded.path} --seed ${seed}${options.swarm ? ' --swarm' : ''}${params}`;
}

/** What an interrupted search found: seeds done, failures, and the lowest failing seed as it was found. */
function printInterrupted(loaded: LoadedScenario, verdict: SearchVerdict, done: number, options: { swarm?: boolean }): void {
  console.log(`\nInterrupted after ${done} seeds: ${verdict.failures} failing.`);
  const seed = verdict.shown?.seed;
  if (seed === undefined) {
    console.log('No failing seed found so far.');
    return;
  }
  console.log(`Lowest failing seed so far: ${seed} (${verdict.shown!.violation ? `violates ${verdict.shown!.violation.property}` : 'ran out of its event budget'}); not shrunk, since the search was interrupted.`);
  console.log(`Reproduce: ${chalk.bold(reproduce(loaded, seed, options))}`);
}

export async function runCommand(file: string, options: RunCommandOptions): Promise<RunOutcome> {
  const loaded = await loadScenario(file);
  return forScenarioFile(loaded.path, () => runLoaded(loaded, options));
}

async function runLoaded(loaded: LoadedScenario, options: RunCommandOptions): Promise<RunOutcome> {
  const { scenario } = loaded;
  const params = options.params ?? {};
  paramValues(scenario, params); // a param the scenario lacks, or out of its range: one line, before anything runs
  if (options.seed !== undefined) {
    const result = await runScenarioAsync(scenario, options.seed, { swarm: options.swarm, params, allViolations: options.allViolations });
    const verdict = judge(scenario, [result]);
    const matches = runMatches(scenario.expect, result, true);
    const shown = await prepareShown(loaded, result, options);
    printRun(loaded, shown, options);
    printExpectation(loaded, verdict, matches, true, options);
    return { matches, shown };
  }
  const [from, to] = options.seedRange ?? [1, options.seeds ?? (options.time === undefined ? scenario.seeds : undefined)];
  if (!options.quiet) {
    const seeds = to === undefined ? `seeds ${from}.. for ${formatDuration(options.time! * 1000)}` : `seeds ${from}..${to}`;
    console.log(chalk.bold(`${loaded.name}`) + chalk.dim(` · ${seeds}${options.swarm ? ' · swarm' : ''} · ${options.jobs} job${options.jobs === 1 ? '' : 's'} — ${scenario.description}`));
  }
  const runner = seedRunner(options.jobs);
  const progress = progressLine(options.quiet, options.time);
  const interrupt = onInterrupt();
  let search;
  try {
    search = await searchSeeds(runner, { file: resolve(loaded.path), scenario }, {
      from, to, budgetMs: options.time, swarm: options.swarm, params, onProgress: progress?.update, signal: interrupt.signal,
    });
  } finally {
    interrupt.dispose();
    progress?.clear();
    await runner.close();
  }
  const verdict = search.tally.verdict();
  if (search.interrupted) {
    printInterrupted(loaded, verdict, search.tally.runs, options);
    return { matches: false, shown: undefined, interrupted: true };
  }
  if (search.outOfTime && !options.quiet) {
    console.log(chalk.dim(`The time budget ran out after seeds ${from}..${search.lastSeed} (${(search.tally.runs / (search.elapsedMs / 1000)).toFixed(0)} seeds/s).`));
  }
  const shown = verdict.shown && (await prepareShown(loaded, verdict.shown, options));
  const first = search.tally.first;
  if (shown) printRun(loaded, shown, options);
  else if (!options.quiet && first?.summary) console.log(`\nSummary of seed ${first.seed}:\n${first.summary}`);
  printExpectation(loaded, verdict, verdict.matches, false, options);
  return { matches: verdict.matches, shown };
}

/** Shrinks a violation (unless told not to) and replays the run to show, with its trace. */
async function prepareShown(loaded: LoadedScenario, found: RunResult, options: { shrink: boolean; trace?: string; params?: Record<string, number>; allViolations?: boolean }): Promise<ShownRun> {
  const overrides = options.params && Object.keys(options.params).length > 0 ? { params: options.params } : {};
  // Every breach is a story of the whole run: shrinking keeps only what the first one needs.
  const report = options.shrink && !options.allViolations && found.outcome === 'violation' ? await shrink(loaded.scenario, found, { overrides }) : undefined;
  const spec: RunSpec = report?.shrunk ?? specOf(found, overrides);
  const events = report?.shrunkResult.stats.events ?? found.stats.events;
  const kept = events <= WHOLE_TRACE_LIMIT ? WHOLE_TRACE_LIMIT : TAIL_EVENTS;
  const { result, tailOnly } = await traced(kept, options.trace, (trace) => runSpecAsync(loaded.scenario, spec, { trace, allViolations: options.allViolations }));
  return { scenarioPath: loaded.path, spec, result, shrink: report, subject: subjectOf(loaded), tailOnly, traceStreamed: options.trace !== undefined };
}

/**
 * Runs `run` with its trace kept in memory up to `kept` events (beyond that, the
 * last `kept` and every fault) and, when a `--trace` file is named, streamed to it
 * event by event as the run goes, whatever its length.
 */
async function traced(kept: number, tracePath: string | undefined, run: (trace: TraceTail) => Promise<RunResult>): Promise<{ result: RunResult; tailOnly: boolean }> {
  const file = tracePath === undefined ? undefined : new StreamedFile(tracePath);
  const tail = new TraceTail(kept, file && ((event) => file.line(JSON.stringify(event))));
  try {
    return { result: await run(tail), tailOnly: tail.count > kept };
  } finally {
    file?.close();
  }
}

/**
 * A run of more events than this is shown from a tail of the last `TAIL_EVENTS`
 * (and every fault), not kept whole: a livelock's 20,000,000 events would take
 * gigabytes. Its whole trace still reaches `--trace`'s file, streamed.
 */
const WHOLE_TRACE_LIMIT = 1_000_000;
const TAIL_EVENTS = 10_000;

/** A JSON Lines file written as the run goes, in blocks: a path that cannot be opened is bad input, before the run. */
class StreamedFile {
  private readonly fd: number;
  private pending = '';

  constructor(readonly path: string) {
    try {
      this.fd = openSync(path, 'w');
    } catch (error) {
      throw cannotWrite(path, error);
    }
  }

  line(text: string): void {
    this.pending += text + '\n';
    if (this.pending.length > 1 << 20) this.flush();
  }

  close(): void {
    this.flush();
    closeSync(this.fd);
  }

  private flush(): void {
    writeSync(this.fd, this.pending);
    this.pending = '';
  }
}

/** Replays a replay file: the run is shown like `sim run` shows one. */
export async function replayCommand(file: string, options: PrintOptions): Promise<RunOutcome> {
  const { replay, scenarioPath } = readReplayFile(file);
  const loaded = await loadScenario(scenarioPath);
  let tailOnly = false;
  const verdict = await forScenarioFile(file, async () => {
    let checked!: Awaited<ReturnType<typeof checkReplay>>;
    ({ tailOnly } = await traced(WHOLE_TRACE_LIMIT, options.trace, async (trace) => (checked = await checkReplay(loaded.scenario, replay, { trace })).result));
    return checked;
  });
  const shown: ShownRun = { scenarioPath: loaded.path, spec: specOfReplay(replay), result: verdict.result, subject: subjectOf(loaded), tailOnly, traceStreamed: options.trace !== undefined };
  printRun(loaded, shown, options);
  console.log(`\n${verdict.matches ? chalk.green('✓') : chalk.red.bold('✗')} ${file} ${verdict.matches ? verdict.summary : chalk.red.bold(verdict.summary)}`);
  return { matches: verdict.matches, shown };
}

/** How the shown run is printed, and whether its text diagram is (the HTML page is a file the caller writes). */
type PrintOptions = { tail?: number; window?: number; why?: boolean; quiet?: boolean; verbose?: boolean; diagram?: boolean; trace?: string };

/** How many events of the trace tail are printed when --tail does not say. */
const DEFAULT_TAIL = 30;

const subjectOf = (loaded: LoadedScenario): ReportSubject => ({
  scenario: loaded.name, description: loaded.scenario.description, expect: describeExpectation(loaded.scenario.expect),
});

function printRun(loaded: LoadedScenario, shown: ShownRun, options: PrintOptions): void {
  const { scenario } = loaded;
  const { result } = shown;
  const trace = result.trace ?? [];
  if (options.diagram) {
    const { rows, about } = diagramRows(result, options);
    console.log(chalk.dim(`\nThe diagram shows ${about}.`));
    console.log(renderDiagram(result, { rows, width: process.stdout.columns || 120 }));
  }
  if (options.quiet) {
    console.log(headline(loaded, shown));
    return;
  }
  console.log(chalk.bold(`\n${loaded.name} · seed ${result.seed}`) + chalk.dim(` — ${scenario.description}`));
  console.log(headline(loaded, shown));
  if (result.violation) console.log(`  ${result.violation.message}`);
  if (result.violations) {
    console.log(chalk.bold(`\nEvery breach (${result.violations.length}), by true time; the first decides the verdict:`));
    for (const v of result.violations) console.log(`  ${formatTime(v.t)}  ${chalk.red(v.property)}: ${v.message}`);
  }
  if (shown.shrink) console.log(shrinkSummary(scenario, shown.shrink));
  const overridden = Object.entries(shown.spec.overrides.params ?? {}).map(([name, value]) => `${name} = ${value}`);
  if (overridden.length > 0) console.log(chalk.dim(`  with ${overridden.join(', ')}`));
  if (result.faults.length > 0) {
    const before = result.faults.filter((f) => f.at <= result.endTime);
    console.log(chalk.bold(`\nFaults (true time)${before.length > 12 ? `: the last 12 of ${before.length} before the end` : ''}:`));
    for (const line of faultList({ ...result, faults: before.slice(-12) })) console.log(line);
  }
  if (options.verbose) {
    console.log(chalk.bold(`\nTrace (${trace.length} events):`));
    for (const e of trace) console.log('  ' + formatEvent(e));
  } else if (options.why) {
    printWhy(result);
  } else if (result.outcome !== 'ok') {
    const nodes = result.violation?.nodes ?? [];
    // With every breach listed, the run went on: the tail still ends at the first.
    const at = result.violation?.at ?? (result.violations ? result.violation?.t : undefined);
    const tail = traceTail(trace, nodes, options.tail ?? DEFAULT_TAIL, at);
    const upTo = at === undefined ? '' : ` up to ${formatTime(at)}, where it went wrong`;
    console.log(chalk.bold(`\nWhat led there: the last ${tail.length} events${nodes.length ? ` involving ${nodes.join(', ')}` : ''}${upTo}:`));
    for (const e of tail) console.log('  ' + formatEvent(e));
  }
  // The page's Run panel prints these same numbers (src/report/page/interact.js).
  console.log(chalk.dim(`\n${result.stats.events} events run (${trace.length} trace records), ${result.stats.delivered} messages delivered, ${result.stats.dropped} lost in the network, ${result.stats.facts} facts checked.`));
  if (shown.tailOnly) {
    console.log(chalk.dim(`The run is too long to keep whole: only its last ${(result.trace?.length ?? 0).toLocaleString('en-US')} events (and every fault) were kept to show it${options.trace ? `; the whole trace was streamed to ${options.trace}` : ''}.`));
  }
  if (result.summary) console.log(`Summary: ${result.summary}`);
}

/** The violation's causal slice, one line per event (`src/report/slice.ts` says what is in it). */
function printWhy(result: RunResult): void {
  const trace = result.trace ?? [];
  const slice = causalSlice(trace, result.violation?.at);
  if (!slice) {
    console.log(chalk.dim('\nNo violation, so no causal slice to show (--why explains a violation).'));
    return;
  }
  const share = ((100 * slice.events.length) / trace.length).toFixed(1);
  console.log(chalk.bold(`\nWhy: the causal past of the violation's facts, ${slice.events.length} of ${trace.length} events (${share}%), from ${formatTime(slice.from)}:`));
  if (slice.seeds.length === 0) console.log(chalk.yellow('  The violation names no fact to trace back from: only the faults in effect at it are shown.'));
  const seeds = new Set(slice.seeds);
  for (const i of slice.events) console.log((seeds.has(i) ? chalk.red.bold('▸ ') : '  ') + formatEvent(trace[i]!));
  console.log(chalk.dim(`  ▸ the violation's facts. Before ${formatTime(slice.horizon)}, only the chains of direct causes that lead to them.`));
}

function shrinkSummary(scenario: Scenario, report: ShrinkReport): string {
  const { original, shrunk, shrunkResult } = report;
  const before = paramValues(scenario, report.from.overrides.params);
  const changes = [
    `faults ${original.faults.length} → ${shrunk.faults.length}`,
    `events ${original.stats.events} → ${shrunkResult.stats.events}`,
    ...Object.entries(shrunk.overrides.params ?? {}).filter(([name, value]) => before[name] !== value).map(([name, value]) => `${name} ${before[name]} → ${value}`),
  ];
  if (shrunk.overrides.duration !== undefined) changes.push(`run ends at ${formatTime(shrunk.overrides.duration)}`);
  return chalk.cyan(`  Shrunk in ${report.runs} replays, keeping only changes under which ${report.property} still fails: ${changes.join(', ')}.`);
}

function headline(loaded: LoadedScenario, shown: ShownRun): string {
  const { result } = shown;
  const which = shown.shrink ? `seed ${result.seed}, shrunk` : `seed ${result.seed}`;
  if (result.outcome === 'violation') {
    return chalk.red.bold(`✗ ${result.violation!.property} violated at ${formatTime(result.violation!.t)} (${which})`);
  }
  if (result.outcome === 'budget') {
    return chalk.red.bold(`✗ event budget exhausted at ${formatTime(result.endTime)} after ${result.stats.events} events (${which}): a hang or a livelock`);
  }
  return chalk.green(`✓ no property violated in ${formatTime(shown.spec.overrides.duration ?? loaded.scenario.duration)} of simulated time (${which})`);
}

function printExpectation(loaded: LoadedScenario, verdict: SearchVerdict, matches: boolean, single: boolean, options: RunCommandOptions): void {
  const expected = describeExpectation(loaded.scenario.expect);
  const seed = verdict.shown?.seed;
  if (!single) console.log(`\n${matches ? chalk.green('✓') : chalk.red('✗')} ${verdict.summary}`);
  if (matches && verdict.shown) console.log(chalk.green(`As expected: this scenario ${expected}.`));
  else if (matches && single && loaded.scenario.expect !== 'safe') {
    console.log(chalk.yellow(`This seed does not show the expected violation (${expected}); search for one: npx sim run ${loaded.path} --seeds 500`));
  } else if (matches) console.log(chalk.green(`As expected: this scenario is ${expected}.`));
  else if (!verdict.shown) console.log(chalk.red(`Expected: ${expected}, but no seed showed it. Search further (--seed-range, --time) or check the model.`));
  else console.log(chalk.red(`Not as expected: this scenario should be ${expected}.`));
  if (seed !== undefined) {
    console.log(`Reproduce: ${chalk.bold(reproduce(loaded, seed, options))}` + chalk.dim(`   (add --verbose for the whole trace, --trace run.jsonl to save it, --save run.json to keep the shrunk run as a replay file)`));
  }
}
