/** `sim golden` and `sim check --golden`: today's traces against the recorded hashes. */
import chalk from 'chalk';
import { existsSync } from 'node:fs';
import { basename, sep } from 'node:path';
import { toJsonLines, type Overrides } from '../kernel/index.js';
import {
  emptyGoldenFile, firstDivergence, formatGoldenFile, goldenRun, readGoldenFile, recordedTrace,
  type GoldenDifference, type GoldenEntry, type GoldenFile,
} from '../search/golden.js';
import { firstLines, loadScenario, scenarioFiles } from '../search/scenario-file.js';
import type { CheckEntry } from './check.js';

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
    // A check runs the seeds in the reverse order of the recording: a model that leaks
    // state from one run into the next (a module-level variable) then traces differently.
    const seeds = Array.from({ length: golden.seeds }, (_, i) => (options.update ? i + 1 : golden.seeds - i));
    for (const seed of seeds) {
      const { entry, trace } = await goldenRun(loaded.scenario, key, seed, overrides);
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
