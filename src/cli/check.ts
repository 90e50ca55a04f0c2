/** `sim check` and `sim list`: every scenario over its seeds (and replay files, and golden traces) against what it expects. */
import chalk from 'chalk';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describeExpectation, describeUncovered, uncoveredRoles, type UncoveredRole } from '../kernel/index.js';
import { seedRunner, type SeedRunner } from '../search/pool.js';
import { checkReplay, readReplayFile } from '../search/replay.js';
import { searchSeeds } from '../search/search.js';
import { loadScenario, scenarioFiles, type LoadedScenario } from '../search/scenario-file.js';
import { forScenarioFile, onInterrupt, UsageError } from './common.js';
import { progressLine } from './progress.js';
import { goldenCommand } from './golden.js';

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
  uncovered?: UncoveredRole[];
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
  say(tableHeader(width, expectWidth) + (shards > 1 ? chalk.dim(`   (shard ${shard} of ${shards})`) : ''));
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
      say(tableRow(result, width, expectWidth));
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
    say(tableRow(result, width, expectWidth));
  }
  if (options.json) console.log(JSON.stringify(checkReport(results, options.shard ? `${shard}/${shards}` : null), null, 2));
  else printCheckEnding(results, options);
  return results;
}

/** The head of `sim check`'s table (and `sim merge`'s). */
export const tableHeader = (width: number, expectWidth: number): string =>
  chalk.bold(`${'scenario'.padEnd(width)}${'expected'.padEnd(expectWidth)}${'seeds'.padStart(6)}  result`);

/** One entry of `sim check`'s table (and `sim merge`'s): what it is, what it expects, its seeds and its result. */
export function tableRow(entry: CheckEntry, width: number, expectWidth: number): string {
  const mark = entry.matches ? chalk.green('✓') : chalk.red('✗');
  return `${entry.name.padEnd(width)}${entry.expected.padEnd(expectWidth)}${String(entry.seeds).padStart(6)}  ${mark} ${entry.summary} ${chalk.dim(`(${entry.seconds.toFixed(1)}s)`)}`;
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

export function checkReport(results: CheckEntry[], shard: string | null): CheckReport {
  const failed = results.filter((r) => !r.matches).length;
  const seconds = +results.reduce((sum, r) => sum + r.seconds, 0).toFixed(3);
  return { format: 'sim-check/1', passed: results.length - failed, failed, shard, seconds, results };
}

/** The end of `sim check`'s table: each mismatch with the command that shows it, then the totals. */
export function printCheckEnding(results: readonly CheckEntry[], options: { swarm?: boolean }): void {
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
 * How many facts each property of a scenario was handed over its seeds (with
 * --verbose), and always, for a safe scenario, a warning for a property handed none:
 * it judged nothing, so "safe" says nothing about it (a renamed fact, a model that no
 * longer emits it, a workload that never reaches it).
 */
function propertyLines(result: CheckEntry, verbose: boolean): string[] {
  const seen = Object.entries(result.factsSeen ?? {});
  const lines: string[] = [];
  if (verbose && seen.length > 0) lines.push(chalk.dim(`facts handed to each property: ${seen.map(([name, n]) => `${name} ${n.toLocaleString('en-US')}`).join(', ')}`));
  const probes = Object.entries(result.probes ?? {}).sort(([a], [b]) => a.localeCompare(b));
  if (verbose && probes.length > 0) lines.push(chalk.dim(`probes hit: ${probes.map(([name, n]) => `${name} ${n.toLocaleString('en-US')}`).join(', ')}`));
  // In a known-unsafe scenario runs stop at the breach, often before other properties see anything: only a
  // safe verdict is weakened by a property that judged nothing.
  for (const [name] of seen.filter(([, n]) => n === 0 && result.expected === 'safe')) {
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
  for (const uncovered of result.uncovered ?? []) {
    lines.push(chalk.yellow(`! ${describeUncovered(uncovered)}: add it to the fault mix, or say why in the scenario's exempt`));
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
    // Over its own seeds, a known-unsafe scenario passes once its bug shows: the seeds after it
    // would only count it again. An explicit --seeds or --time asks for that much searching.
    const stopAtExpected = options.seeds === undefined && budgetMs === undefined;
    search = await searchSeeds(runner, { file: resolve(l.path), scenario: l.scenario }, { from: 1, to, budgetMs, swarm: options.swarm, stopAtExpected, onProgress: progress?.update, signal });
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
  const verdict = await checkReplay(scenario, replay);
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
