import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { runScenarioAsync, toJsonLines, type Overrides, type Scenario, type TraceEvent } from '../kernel/index.js';

const FORMAT = 'sim-golden/1';

/**
 * Golden trace hashes: for every scenario and its first few seeds, the SHA-256 of
 * the JSON Lines trace and the verdict, committed beside the tests. A change that
 * alters any run's behaviour (one event moved, one number drawn more) changes a
 * hash, so a refactor that claims to change nothing can prove it; a deliberate
 * change is accepted by regenerating the file (`npx sim golden --update`).
 */
export interface GoldenFile {
  format: typeof FORMAT;
  /** For people reading the file. */
  about: string;
  /** Seeds 1..seeds of every scenario. */
  seeds: number;
  /**
   * Param overrides per scenario name, for scenarios too large to trace whole
   * three times over (the studies, even at their CI sizes). Kept when regenerating.
   */
  overrides: Record<string, Overrides>;
  entries: GoldenEntry[];
}

export interface GoldenEntry {
  /** The scenario file, relative to the working directory, with `/` separators. */
  scenario: string;
  seed: number;
  /** `ok`, `budget`, or `violates <property>`. */
  verdict: string;
  events: number;
  sha256: string;
}

/** A run's golden entry, with its trace (kept only to explain a difference). */
export async function goldenRun(scenario: Scenario, path: string, seed: number, overrides: Overrides): Promise<{ entry: GoldenEntry; trace: TraceEvent[] }> {
  const result = await runScenarioAsync(scenario, seed, { ...overrides, trace: true });
  const trace = result.trace!;
  const verdict = result.violation ? `violates ${result.violation.property}` : result.outcome;
  const sha256 = createHash('sha256').update(toJsonLines(trace)).digest('hex');
  return { entry: { scenario: path, seed, verdict, events: trace.length, sha256 }, trace };
}

export function emptyGoldenFile(seeds: number): GoldenFile {
  return {
    format: FORMAT,
    about: 'SHA-256 of each trace (JSON Lines) and its verdict; compared by `npx sim check --golden <this file>`, rewritten by `npx sim golden --update`',
    seeds,
    overrides: {},
    entries: [],
  };
}

export class GoldenFileError extends Error {
  override name = 'GoldenFileError';
}

export function readGoldenFile(path: string): GoldenFile {
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new GoldenFileError(code ? `cannot read the golden file ${path} (${code}); create it with: npx sim golden --update --file ${path}` : `${path} is not JSON`);
  }
  const file = data as GoldenFile;
  if (file?.format !== FORMAT) throw new GoldenFileError(`${path} is not a golden file: "format" must be "${FORMAT}"`);
  if (!Number.isSafeInteger(file.seeds) || file.seeds < 1) throw new GoldenFileError(`${path}: "seeds" must be a positive integer`);
  if (typeof file.overrides !== 'object' || file.overrides === null) throw new GoldenFileError(`${path}: "overrides" must be an object`);
  if (!Array.isArray(file.entries)) throw new GoldenFileError(`${path}: "entries" must be a list`);
  return file;
}

/** The file's text: one entry a line, so a regenerated file diffs line by line. */
export function formatGoldenFile(file: GoldenFile): string {
  const placeholder = '\u0000entries';
  const text = JSON.stringify({ ...file, entries: placeholder }, null, 2);
  const entries = `[\n${file.entries.map((e) => `    ${JSON.stringify(e)}`).join(',\n')}\n  ]`;
  return text.replace(JSON.stringify(placeholder), entries) + '\n';
}

/** How one recorded entry compares with the run today. */
export interface GoldenDifference {
  scenario: string;
  seed: number;
  recorded: GoldenEntry | undefined;
  now: GoldenEntry;
  /** The first event that differs, if the recorded trace could be rebuilt. */
  diverges?: { index: number; recorded: string | undefined; now: string | undefined };
  /** Why the recorded trace could not be rebuilt, if it could not. */
  unexplained?: string;
}

/** Where two traces first differ (by their JSON lines), or undefined if they are identical. */
export function firstDivergence(recorded: readonly string[], now: readonly string[]): { index: number; recorded: string | undefined; now: string | undefined } | undefined {
  const length = Math.max(recorded.length, now.length);
  for (let i = 0; i < length; i++) {
    if (recorded[i] !== now[i]) return { index: i, recorded: recorded[i], now: now[i] };
  }
  return undefined;
}

/**
 * The recorded trace of an entry, rebuilt by running the code of the commit that
 * last wrote the golden file (its `src/` and `package.json`, extracted with
 * `git archive` into a temporary folder that shares this checkout's node_modules).
 * The golden file keeps only hashes, so this is how a difference is explained
 * event by event without committing megabytes of traces.
 */
export function recordedTrace(goldenPath: string, entry: GoldenEntry, overrides: Overrides): string[] {
  const git = (args: string[]) => execFileSync('git', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 1 << 30 }).trim();
  const top = git(['-C', dirname(resolve(goldenPath)), 'rev-parse', '--show-toplevel']);
  const inRepo = relative(top, resolve(goldenPath));
  const commit = git(['-C', top, 'log', '-1', '--format=%H', '--', inRepo]);
  if (commit === '') throw new Error(`${goldenPath} has never been committed`);
  const committed = git(['-C', top, 'show', `${commit}:${inRepo}`]);
  if (committed !== readFileSync(goldenPath, 'utf8').trim()) throw new Error(`${goldenPath} differs from its last commit, so no commit holds the code that wrote it`);
  const folder = mkdtempSync(join(tmpdir(), 'sim-golden-'));
  try {
    execFileSync('sh', ['-c', `git -C "${top}" archive ${commit} src scenarios package.json | tar -x -C "${folder}"`], { stdio: 'ignore' });
    symlinkSync(join(top, 'node_modules'), join(folder, 'node_modules'));
    const script = join(folder, 'golden-trace.mts');
    writeFileSync(script, [
      `import * as kernel from './src/kernel/index.js';`,
      `const scenario = (await import(${JSON.stringify(resolve(folder, entry.scenario))})).default;`,
      // Commits before async workflows have only the synchronous runScenario.
      `const run = kernel.runScenarioAsync ?? kernel.runScenario;`,
      `const result = await run(scenario, ${entry.seed}, { ...${JSON.stringify(overrides)}, trace: true });`,
      `process.stdout.write(kernel.toJsonLines(result.trace));`,
    ].join('\n'));
    const tsx = join(top, 'node_modules', '.bin', 'tsx');
    if (!existsSync(tsx)) throw new Error('tsx is not installed (npm ci)');
    const text = execFileSync(tsx, [script], { cwd: folder, encoding: 'utf8', maxBuffer: 1 << 30, stdio: ['ignore', 'pipe', 'pipe'] });
    return text.split('\n').filter((line) => line !== '');
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}
