import chalk from 'chalk';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { basename, join, resolve, sep } from 'node:path';
import {
  ConfigError, describeExpectation, formatDuration, formatTime, judge, paramValues, runMatches, runScenario, runSpec, specOf, toJsonLines, uncoveredRoles,
  type Overrides, type RunResult, type RunSpec, type Scenario, type SearchVerdict,
} from '../kernel/index.js';
import { renderDiagram, type ReportSubject } from '../report/index.js';
import { seedRunner, type SeedRunner } from '../search/pool.js';
import {
  emptyGoldenFile, firstDivergence, formatGoldenFile, goldenRun, readGoldenFile, recordedTrace,
  type GoldenDifference, type GoldenEntry, type GoldenFile,
} from '../search/golden.js';
import { checkReplay, readReplayFile, specOfReplay } from '../search/replay.js';
import { searchSeeds } from '../search/search.js';
import { shrink, type ShrinkReport } from '../search/shrink.js';
import { faultList, formatEvent, traceTail } from '../report/format.js';
import { firstLines, loadScenario, scenarioFiles, type LoadedScenario } from '../search/scenario-file.js';
import { UsageError } from './load.js';
import { progressLine } from './progress.js';

export interface RunCommandOptions {
  seed?: number;
  seeds?: number;
  seedRange?: [number, number];
  /** Wall-clock budget in milliseconds. */
  time?: number;
  jobs: number;
  swarm?: boolean;
  shrink: boolean;
  tail: number;
  quiet?: boolean;
  verbose?: boolean;
  html?: string;
  diagram?: boolean;
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
}

export interface RunOutcome {
  matches: boolean;
  shown: ShownRun | undefined;
  /** The user stopped the search (Ctrl-C): exit 130. */
  interrupted?: boolean;
}

/**
 * Ctrl-C during a search: the first one aborts it (what was found so far is
 * printed), a second one quits at once, as a user pressing it twice expects.
 */
export function onInterrupt(): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  const handler = () => {
    if (controller.signal.aborted) process.exit(130);
    process.stderr.write(chalk.yellow('\nInterrupted: stopping the search and printing what it found (Ctrl-C again quits at once).\n'));
    controller.abort();
  };
  process.on('SIGINT', handler);
  return { signal: controller.signal, dispose: () => void process.off('SIGINT', handler) };
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
  console.log(`Reproduce: ${chalk.bold(`npx sim run ${loaded.path} --seed ${seed}${options.swarm ? ' --swarm' : ''}`)}`);
}

/**
 * Runs `body` for a scenario file: a ConfigError (a bad field, a fault naming a node
 * the scenario lacks, a build that throws for every seed) is the file's to fix, so
 * it is reported as bad input naming the file.
 */
async function forScenarioFile<T>(path: string, body: () => Promise<T>): Promise<T> {
  try {
    return await body();
  } catch (error) {
    if (error instanceof ConfigError) throw new UsageError(`${path}: ${error.message}`);
    throw error;
  }
}

export async function runCommand(file: string, options: RunCommandOptions): Promise<RunOutcome> {
  const loaded = await loadScenario(file);
  return forScenarioFile(loaded.path, () => runLoaded(loaded, options));
}

async function runLoaded(loaded: LoadedScenario, options: RunCommandOptions): Promise<RunOutcome> {
  const { scenario } = loaded;
  if (options.seed !== undefined) {
    const result = runScenario(scenario, options.seed, { swarm: options.swarm });
    const verdict = judge(scenario, [result]);
    const matches = runMatches(scenario.expect, result, true);
    const shown = prepareShown(loaded, result, options);
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
      from, to, budgetMs: options.time, swarm: options.swarm, onProgress: progress?.update, signal: interrupt.signal,
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
  const shown = verdict.shown && prepareShown(loaded, verdict.shown, options);
  const first = search.tally.first;
  if (shown) printRun(loaded, shown, options);
  else if (!options.quiet && first?.summary) console.log(`\nSummary of seed ${first.seed}:\n${first.summary}`);
  printExpectation(loaded, verdict, verdict.matches, false, options);
  return { matches: verdict.matches, shown };
}

/** Shrinks a violation (unless told not to) and replays the run to show, with its trace. */
function prepareShown(loaded: LoadedScenario, found: RunResult, options: { shrink: boolean }): ShownRun {
  const scenarioPath = loaded.path;
  const report = options.shrink && found.outcome === 'violation' ? shrink(loaded.scenario, found) : undefined;
  const spec: RunSpec = report?.shrunk ?? specOf(found);
  const result = runSpec(loaded.scenario, spec, { trace: true });
  return { scenarioPath, spec, result, shrink: report, subject: subjectOf(loaded) };
}

/** Replays a replay file: the run is shown like `sim run` shows one. */
export async function replayCommand(file: string, options: PrintOptions): Promise<RunOutcome> {
  const { replay, scenarioPath } = readReplayFile(file);
  const loaded = await loadScenario(scenarioPath);
  const verdict = await forScenarioFile(file, async () => checkReplay(loaded.scenario, replay, { trace: true }));
  const shown: ShownRun = { scenarioPath: loaded.path, spec: specOfReplay(replay), result: verdict.result, subject: subjectOf(loaded) };
  printRun(loaded, shown, options);
  console.log(`\n${verdict.matches ? chalk.green('✓') : chalk.red.bold('✗')} ${file} ${verdict.matches ? verdict.summary : chalk.red.bold(verdict.summary)}`);
  return { matches: verdict.matches, shown };
}

/** How the shown run is printed, and whether its text diagram is (the HTML page is a file the caller writes). */
type PrintOptions = { tail: number; quiet?: boolean; verbose?: boolean; diagram?: boolean };

const subjectOf = (loaded: LoadedScenario): ReportSubject => ({
  scenario: loaded.name, description: loaded.scenario.description, expect: describeExpectation(loaded.scenario.expect),
});

function printRun(loaded: LoadedScenario, shown: ShownRun, options: PrintOptions): void {
  const { scenario } = loaded;
  const { result } = shown;
  const trace = result.trace ?? [];
  if (options.diagram) console.log(`\n${renderDiagram(result)}`);
  if (options.quiet) {
    console.log(headline(loaded, shown));
    return;
  }
  console.log(chalk.bold(`\n${loaded.name} · seed ${result.seed}`) + chalk.dim(` — ${scenario.description}`));
  console.log(headline(loaded, shown));
  if (result.violation) console.log(`  ${result.violation.message}`);
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
  } else if (result.outcome !== 'ok') {
    const nodes = result.violation?.nodes ?? [];
    const at = result.violation?.at;
    const tail = traceTail(trace, nodes, options.tail, at);
    const upTo = at === undefined ? '' : ` up to ${formatTime(at)}, where it went wrong`;
    console.log(chalk.bold(`\nWhat led there: the last ${tail.length} events${nodes.length ? ` involving ${nodes.join(', ')}` : ''}${upTo}:`));
    for (const e of tail) console.log('  ' + formatEvent(e));
  }
  console.log(chalk.dim(`\n${result.stats.events} events, ${result.stats.delivered} messages delivered, ${result.stats.dropped} lost, ${result.stats.facts} facts checked.`));
  if (result.summary) console.log(`Summary: ${result.summary}`);
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
    console.log(`Reproduce: ${chalk.bold(`npx sim run ${loaded.path} --seed ${seed}${options.swarm ? ' --swarm' : ''}`)}` + chalk.dim(`   (add --verbose for the whole trace, --trace run.jsonl to save it, --save run.json to keep the shrunk run as a replay file)`));
  }
}

/** One line of `sim check`: a scenario over its seeds, or a replay file. */
export interface CheckEntry {
  kind: 'scenario' | 'replay' | 'golden';
  name: string;
  path: string;
  expected: string;
  matches: boolean;
  summary: string;
  seeds: number;
  /** Seeds (runs) that failed, and the lowest of them. */
  failures: number;
  firstFailure: number | undefined;
  seconds: number;
  /** Scenarios: how many facts each property was handed over all the seeds. */
  factsSeen?: Record<string, number>;
  /** Scenarios: how often each probe (a rare path, `ctx.probe`) was hit over all the seeds. */
  probes?: Record<string, number>;
  /** Scenarios: for each node role, how often each fault effect reached it over all the seeds. */
  coverage?: Record<string, Partial<Record<string, number>>>;
  /** Scenarios: roles (not exempt) that some node-level fault never reached, and which. */
  uncovered?: Array<{ role: string; missing: string[] }>;
  /** The user stopped the check (Ctrl-C) during this entry. */
  interrupted?: boolean;
  /** Its place in the whole, unsharded suite: `sim merge` puts shards' entries back in this order. */
  order?: number;
}

export interface CheckCommandOptions {
  seeds?: number;
  /** Wall-clock budget in milliseconds for the whole suite, shared equally by its scenarios. */
  time?: number;
  jobs: number;
  swarm?: boolean;
  replays?: string;
  shard?: [number, number];
  quiet?: boolean;
  /** Print only a JSON summary. */
  json?: boolean;
  /** Also compare every scenario's first seeds with this golden file of trace hashes. */
  golden?: string;
  /** Also print how many facts each property was handed, and the probes hit. */
  verbose?: boolean;
  /** Also print which fault effects reached which node roles. */
  coverage?: boolean;
}

export async function checkCommand(files: string[], options: CheckCommandOptions): Promise<CheckEntry[]> {
  // Replay files can also be named one by one, beside scenario files.
  const paths = files.length > 0 ? files.filter((f) => !f.endsWith('.json')) : scenarioFiles('scenarios');
  const replayPaths = [...files.filter((f) => f.endsWith('.json')), ...(options.replays === undefined ? [] : replayFiles(options.replays))];
  const [shard, shards] = options.shard ?? [1, 1];
  const suite = [...paths.map((p) => ({ kind: 'scenario' as const, path: p })), ...replayPaths.map((p) => ({ kind: 'replay' as const, path: p }))];
  const all = shardOf(suite.map((entry, order) => ({ ...entry, order })), shard, shards);
  const loaded = new Map<string, LoadedScenario>();
  for (const entry of all) {
    if (entry.kind === 'scenario') loaded.set(entry.path, await loadScenario(entry.path));
  }
  const say = (line: string) => {
    if (!options.json) console.log(line);
  };
  const names = all.map((e) => loaded.get(e.path)?.name ?? e.path);
  const width = Math.max(...names.map((n) => n.length), 8) + 2;
  const expectations = [...loaded.values()].map((l) => describeExpectation(l.scenario.expect));
  const expectWidth = Math.max(...expectations.map((e) => e.length), 'replay: violates mutual-exclusion'.length) + 2;
  say(chalk.bold(`${'scenario'.padEnd(width)}${'expected'.padEnd(expectWidth)}${'seeds'.padStart(6)}  result`) + (shards > 1 ? chalk.dim(`   (shard ${shard} of ${shards})`) : ''));
  const results: CheckEntry[] = [];
  const runner = seedRunner(options.jobs);
  const interrupt = onInterrupt();
  try {
    for (const entry of all) {
      const budgetMs = options.time === undefined ? undefined : options.time / all.filter((e) => e.kind === 'scenario').length;
      const result = await forScenarioFile(entry.path, () =>
        entry.kind === 'scenario' ? checkScenario(runner, loaded.get(entry.path)!, options, budgetMs, interrupt.signal) : checkReplayFile(entry.path));
      result.order = entry.order;
      if (result.interrupted) {
        say(chalk.yellow(`${result.name}: interrupted after ${result.seeds} seeds, ${result.failures} failing${result.firstFailure === undefined ? '' : `; lowest failing seed so far ${result.firstFailure} (not shrunk): npx sim run ${result.path} --seed ${result.firstFailure}`}`));
        say(`Interrupted: ${results.length} of ${all.length} entries checked before it (${results.filter((r) => r.matches).length} as expected).`);
        results.push(result);
        return results;
      }
      results.push(result);
      const mark = result.matches ? chalk.green('✓') : chalk.red('✗');
      say(`${result.name.padEnd(width)}${result.expected.padEnd(expectWidth)}${String(result.seeds).padStart(6)}  ${mark} ${result.summary} ${chalk.dim(`(${result.seconds.toFixed(1)}s)`)}`);
      for (const line of propertyLines(result, options.verbose === true)) say(`${' '.repeat(width)}${line}`);
      if (options.coverage) for (const line of coverageLines(result)) say(`${' '.repeat(width)}${line}`);
    }
  } finally {
    interrupt.dispose();
    await runner.close();
  }
  if (options.golden !== undefined && shard === 1) {
    const { result } = await goldenCommand(options.golden, files.filter((f) => !f.endsWith('.json')), { quiet: options.quiet });
    result.order = suite.length;
    results.push(result);
    const mark = result.matches ? chalk.green('✓') : chalk.red('✗');
    say(`${result.name.padEnd(width)}${result.expected.padEnd(expectWidth)}${String(result.seeds).padStart(6)}  ${mark} ${result.summary} ${chalk.dim(`(${result.seconds.toFixed(1)}s)`)}`);
  }
  if (options.json) console.log(JSON.stringify(checkReport(results, options.shard ? `${shard}/${shards}` : null), null, 2));
  else printCheckEnding(results, options);
  return results;
}

/** What `sim check --json` prints, and what `sim merge` reads back from each shard. */
export interface CheckReport {
  format: 'sim-check/1';
  passed: number;
  failed: number;
  /** `i/n` when the run was one shard of a suite, else null. */
  shard: string | null;
  seconds: number;
  results: CheckEntry[];
}

function checkReport(results: CheckEntry[], shard: string | null): CheckReport {
  const failed = results.filter((r) => !r.matches).length;
  const seconds = +results.reduce((sum, r) => sum + r.seconds, 0).toFixed(3);
  return { format: 'sim-check/1', passed: results.length - failed, failed, shard, seconds, results };
}

/** The end of `sim check`'s table: each mismatch with the command that shows it, then the totals. */
function printCheckEnding(results: readonly CheckEntry[], options: { swarm?: boolean }): void {
  const say = (line: string) => console.log(line);
  const failures = results.filter((r) => !r.matches);
  const passed = results.length - failures.length;
  const totalSeconds = results.reduce((sum, r) => sum + r.seconds, 0);
  say('');
  for (const r of failures) {
    say(chalk.red(`✗ ${r.name}: expected ${r.expected}, but ${r.summary}.`));
    if (r.kind === 'golden') continue;
    if (r.kind === 'replay') say(`  See it: npx sim replay ${r.path}`);
    else if (r.firstFailure !== undefined) say(`  Reproduce: npx sim run ${r.path} --seed ${r.firstFailure}${options.swarm ? ' --swarm' : ''}`);
    else say(`  Search further: npx sim run ${r.path} --seeds ${r.seeds * 10}`);
  }
  say(`${failures.length === 0 ? chalk.green('✓') : chalk.red('✗')} ${passed} of ${results.length} as expected (${totalSeconds.toFixed(1)}s)`);
  say(`scenarios: ${passed} passed, ${failures.length} failed`);
}

/**
 * `sim merge`: the JSON reports of the n shards of one suite (`sim check --shard i/n
 * --json`), put back together as if the suite had run in one process: the entries
 * in suite order, one table, one ending, one exit code. Every shard must be there
 * exactly once: a missing shard would make a partial suite look green.
 */
export function mergeCommand(files: string[], options: { json?: boolean } = {}): CheckEntry[] {
  const reports = files.map((file) => readCheckReport(file));
  const shards = reports.map((r, i) => ({ file: files[i]!, shard: r.shard ?? '1/1' }));
  const total = Number(shards[0]!.shard.split('/')[1]);
  for (const { file, shard } of shards) {
    if (Number(shard.split('/')[1]) !== total) throw new UsageError(`${file} is shard ${shard}, but ${shards[0]!.file} is one of ${total} shards: merge the shards of one run`);
  }
  const seen = new Map<number, string>();
  for (const { file, shard } of shards) {
    const i = Number(shard.split('/')[0]);
    if (seen.has(i)) throw new UsageError(`shard ${i}/${total} is given twice (${seen.get(i)} and ${file})`);
    seen.set(i, file);
  }
  const missing = Array.from({ length: total }, (_, i) => i + 1).filter((i) => !seen.has(i));
  if (missing.length > 0) throw new UsageError(`shard${missing.length > 1 ? 's' : ''} ${missing.map((i) => `${i}/${total}`).join(', ')} missing: give every shard's --json report`);
  const results = reports.flatMap((r) => r.results).sort((a, b) => (a.order ?? 0) - (b.order ?? 0));
  if (options.json) {
    console.log(JSON.stringify(checkReport(results, null), null, 2));
    return results;
  }
  const width = Math.max(...results.map((r) => r.name.length), 8) + 2;
  const expectWidth = Math.max(...results.map((r) => r.expected.length), 8) + 2;
  console.log(chalk.bold(`${'scenario'.padEnd(width)}${'expected'.padEnd(expectWidth)}${'seeds'.padStart(6)}  result`) + chalk.dim(`   (${total} shards merged)`));
  for (const r of results) {
    console.log(`${r.name.padEnd(width)}${r.expected.padEnd(expectWidth)}${String(r.seeds).padStart(6)}  ${r.matches ? chalk.green('✓') : chalk.red('✗')} ${r.summary} ${chalk.dim(`(${r.seconds.toFixed(1)}s)`)}`);
  }
  printCheckEnding(results, {});
  return results;
}

function readCheckReport(file: string): CheckReport {
  let report: CheckReport;
  try {
    report = JSON.parse(readFileSync(file, 'utf8')) as CheckReport;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UsageError(code ? `cannot read ${file} (${code})` : `${file} is not JSON: write it with sim check --shard i/n --json > ${file}`);
  }
  if (report?.format !== 'sim-check/1' || !Array.isArray(report.results)) throw new UsageError(`${file} is not a sim check --json report (its "format" must be "sim-check/1")`);
  if (report.shard !== null && !/^\d+\/\d+$/.test(String(report.shard))) throw new UsageError(`${file}: "shard" must be "i/n" or null`);
  return report;
}

/**
 * How many facts each property of a scenario was handed over its seeds (with
 * --verbose), and always a warning for a property handed none: it judged nothing,
 * so its scenario's verdict says nothing about it (a renamed fact, a model that no
 * longer emits it, a workload that never reaches it).
 */
function propertyLines(result: CheckEntry, verbose: boolean): string[] {
  const seen = Object.entries(result.factsSeen ?? {});
  const lines: string[] = [];
  if (verbose && seen.length > 0) lines.push(chalk.dim(`facts handed to each property: ${seen.map(([name, n]) => `${name} ${n.toLocaleString('en-US')}`).join(', ')}`));
  const probes = Object.entries(result.probes ?? {}).sort(([a], [b]) => a.localeCompare(b));
  if (verbose && probes.length > 0) lines.push(chalk.dim(`probes hit: ${probes.map(([name, n]) => `${name} ${n.toLocaleString('en-US')}`).join(', ')}`));
  for (const [name] of seen.filter(([, n]) => n === 0)) {
    lines.push(chalk.yellow(`! ${name} was handed no fact in ${result.seeds} seeds: it judged nothing here. Check that the model still emits the facts it watches.`));
  }
  return lines;
}

/**
 * Which fault effects reached which node roles over a scenario's seeds, and the
 * roles that were never crashed, paused or clock-shifted (unless the scenario says
 * why they are exempt): what a safe verdict has not tested.
 */
function coverageLines(result: CheckEntry): string[] {
  if (result.coverage === undefined) return [];
  const roles = Object.entries(result.coverage).sort(([a], [b]) => a.localeCompare(b));
  const lines = [chalk.dim(`faults reaching each role: ${roles.map(([role, effects]) => {
    const hit = Object.entries(effects).map(([effect, n]) => `${effect} ${n}`);
    return `${role} (${hit.length > 0 ? hit.join(', ') : 'none'})`;
  }).join('; ')}`)];
  for (const { role, missing } of result.uncovered ?? []) {
    lines.push(chalk.yellow(`! ${role} was never ${missing.map((m) => ({ crash: 'crashed', pause: 'paused', clock: 'clock-shifted' })[m] ?? m).join(', ')}: add it to the fault mix, or say why in the scenario's exempt`));
  }
  return lines;
}

/** The i-th of n disjoint parts of the suite (counted from 1): every n-th entry, so parts differ by at most one. */
export function shardOf<T>(entries: readonly T[], i: number, n: number): T[] {
  return entries.filter((_, index) => index % n === i - 1);
}

/** A scenario over its seeds (or `--seeds`), or with a time budget over as many seeds as fit in it. */
async function checkScenario(runner: SeedRunner, l: LoadedScenario, options: CheckCommandOptions, budgetMs: number | undefined, signal: AbortSignal): Promise<CheckEntry> {
  const to = budgetMs === undefined ? options.seeds ?? l.scenario.seeds : options.seeds;
  const progress = progressLine(options.quiet || options.json, budgetMs, `${l.name}: `);
  let search;
  try {
    search = await searchSeeds(runner, { file: resolve(l.path), scenario: l.scenario }, { from: 1, to, budgetMs, swarm: options.swarm, onProgress: progress?.update, signal });
  } finally {
    progress?.clear();
  }
  const verdict = search.tally.verdict();
  return {
    kind: 'scenario', name: l.name, path: l.path, expected: describeExpectation(l.scenario.expect), matches: verdict.matches,
    summary: verdict.summary, seeds: search.tally.runs, failures: verdict.failures, firstFailure: verdict.shown?.seed, seconds: search.elapsedMs / 1000,
    factsSeen: search.tally.factsSeen, probes: search.tally.probes, interrupted: search.interrupted,
    coverage: search.tally.coverage, uncovered: uncoveredRoles(search.tally, l.scenario.exempt),
  };
}

async function checkReplayFile(path: string): Promise<CheckEntry> {
  const started = performance.now();
  const { replay, scenarioPath } = readReplayFile(path);
  const { scenario } = await loadScenario(scenarioPath);
  const verdict = checkReplay(scenario, replay);
  return {
    kind: 'replay', name: path, path, expected: `replay: ${describeExpectation(replay.expect)}`, matches: verdict.matches, summary: verdict.summary,
    seeds: 1, failures: verdict.result.outcome === 'ok' ? 0 : 1, firstFailure: verdict.result.outcome === 'ok' ? undefined : replay.seed,
    seconds: (performance.now() - started) / 1000,
  };
}

/** Every replay file (`*.json`) in a folder, by name. */
function replayFiles(folder: string): string[] {
  if (!existsSync(folder) || !statSync(folder).isDirectory()) throw new UsageError(`no folder of replay files at ${folder}`);
  return readdirSync(folder).filter((f) => f.endsWith('.json')).sort().map((f) => join(folder, f));
}

export async function listCommand(folder: string): Promise<void> {
  const loaded: LoadedScenario[] = [];
  for (const path of scenarioFiles(folder)) loaded.push(await loadScenario(path));
  const width = Math.max(...loaded.map((l) => l.name.length), 8) + 2;
  const expectWidth = Math.max(...loaded.map((l) => describeExpectation(l.scenario.expect).length), 8) + 2;
  for (const l of loaded) {
    console.log(`${chalk.bold(l.name.padEnd(width))}${describeExpectation(l.scenario.expect).padEnd(expectWidth)}${chalk.dim(l.scenario.description)}`);
  }
}

/**
 * Golden trace hashes: each scenario's first seeds run with their traces, and each
 * trace's SHA-256 and verdict compared with the golden file (or written to it with
 * `update`). A difference names the scenario, the seed and the first event that
 * differs, recorded and now, one above the other.
 */
export async function goldenCommand(goldenPath: string, files: string[], options: { update?: boolean; quiet?: boolean; seeds?: number }): Promise<{ result: CheckEntry; write?: string }> {
  const started = performance.now();
  const recorded = existsSync(goldenPath) || !options.update ? readGoldenFile(goldenPath) : emptyGoldenFile(options.seeds ?? 3);
  const golden: GoldenFile = { ...recorded, about: emptyGoldenFile(1).about, seeds: options.seeds ?? recorded.seeds };
  const paths = files.length > 0 ? files : scenarioFiles('scenarios');
  const entries: GoldenEntry[] = [];
  const differences: GoldenDifference[] = [];
  const nowTraces = new Map<GoldenDifference, string[]>();
  for (const path of paths) {
    const loaded = await loadScenario(path);
    const overrides = golden.overrides[loaded.name] ?? {};
    const key = loaded.path.split(sep).join('/');
    for (let seed = 1; seed <= golden.seeds; seed++) {
      const { entry, trace } = goldenRun(loaded.scenario, key, seed, overrides);
      entries.push(entry);
      const before = recorded.entries.find((e) => e.scenario === key && e.seed === seed);
      if (before?.sha256 === entry.sha256 && before.verdict === entry.verdict) continue;
      differences.push({ scenario: key, seed, recorded: before, now: entry });
      // The first few differences are explained event by event; their traces are kept until then.
      if (!options.update && differences.length <= 3) nowTraces.set(differences.at(-1)!, toJsonLines(trace).split('\n').filter((l) => l !== ''));
    }
  }
  const seconds = (performance.now() - started) / 1000;
  const name = 'golden traces';
  if (options.update) {
    const kept = recorded.entries.filter((e) => !entries.some((n) => n.scenario === e.scenario));
    const all = files.length > 0 ? [...kept, ...entries].sort((a, b) => a.scenario.localeCompare(b.scenario) || a.seed - b.seed) : entries;
    const summary = `${entries.length} traces recorded, ${differences.length} of them changed`;
    if (!options.quiet) console.log(`${chalk.green('✓')} ${goldenPath}: ${summary}${differences.length > 0 ? ': say in the commit why' : ''}.`);
    const result: CheckEntry = { kind: 'golden', name, path: goldenPath, expected: 'golden: traces recorded', matches: true, summary, seeds: entries.length, failures: 0, firstFailure: undefined, seconds };
    return { result, write: formatGoldenFile({ ...golden, entries: all }) };
  }
  for (const difference of differences.slice(0, 3)) explainDifference(goldenPath, difference, nowTraces.get(difference)!, golden.overrides);
  const gone = files.length > 0 ? [] : recorded.entries.filter((e) => !entries.some((n) => n.scenario === e.scenario && n.seed === e.seed));
  const failures = differences.length + gone.length;
  let summary = failures === 0 ? `${entries.length} traces identical` : `${differences.length} of ${entries.length} traces differ`;
  if (gone.length > 0) summary += `; ${gone.length} recorded traces have no scenario now (${[...new Set(gone.map((e) => e.scenario))].join(', ')})`;
  if (differences.length > 3) summary += ` (the first 3 are explained above)`;
  if (failures > 0) summary += `. If the change is deliberate: npx sim golden --update --file ${goldenPath}, and say why in the commit`;
  return {
    result: {
      kind: 'golden', name, path: goldenPath, expected: 'golden: identical traces', matches: failures === 0, summary,
      seeds: entries.length, failures, firstFailure: differences[0]?.seed, seconds,
    },
  };
}

/** Prints one difference: the verdicts and, when the recorded trace can be rebuilt, the first differing event. */
function explainDifference(goldenPath: string, d: GoldenDifference, now: string[], overrides: Record<string, Overrides>): void {
  const what = d.recorded === undefined
    ? 'is not recorded in the golden file'
    : `recorded ${d.recorded.verdict} after ${d.recorded.events} events, now ${d.now.verdict} after ${d.now.events} events`;
  console.log(chalk.red(`✗ ${d.scenario} seed ${d.seed}: trace differs: ${what}.`));
  if (d.recorded === undefined) return;
  const name = basename(d.scenario).replace(/\.[cm]?[jt]s$/, '');
  let recordedLines: string[];
  try {
    recordedLines = recordedTrace(goldenPath, d.recorded, overrides[name] ?? {});
  } catch (error) {
    console.log(chalk.dim(`  (the recorded trace could not be rebuilt from git to show the first differing event: ${firstLines(error)})`));
    return;
  }
  const at = firstDivergence(recordedLines, now);
  if (at === undefined) return;
  console.log(`  first differing event: #${at.index + 1}`);
  console.log(`    recorded: ${at.recorded ?? chalk.dim('(the recorded trace ends here)')}`);
  console.log(`    now:      ${at.now ?? chalk.dim('(the trace ends here now)')}`);
}
