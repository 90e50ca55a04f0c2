/**
 * Mutation score (issue 21): injects each bug of mutants/list.ts into its source file,
 * one at a time, runs the regression suite of its design (`sim check` of each scenario
 * in the suite, one process each, `--jobs 1`, the slow safe ones capped at the seeds the
 * list gives; its focused unit tests first), stopping at the first failure, and reports which mutants the suite caught (some scenario not as
 * expected, or a model throwing) and which it missed. The file is restored after each
 * mutant, on an error, and on Ctrl-C; a run killed outright leaves mutants/.backup.json,
 * which the next run restores first.
 *
 *   npm run mutants                 every mutant
 *   npm run mutants -- raft-vote    only mutants whose id contains "raft-vote"
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { MUTANTS, SUITES, type Check, type Mutant } from '../mutants/list.js';

const root = new URL('../', import.meta.url);
const backupFile = new URL('mutants/.backup.json', root);
const path = (file: string) => new URL(file, root);

let mutated: { file: string; original: string } | undefined;
function restore(): void {
  if (mutated) writeFileSync(path(mutated.file), mutated.original);
  mutated = undefined;
  rmSync(backupFile, { force: true });
}
if (existsSync(backupFile)) {
  mutated = JSON.parse(readFileSync(backupFile, 'utf8'));
  console.log(`restoring ${mutated!.file} left mutated by an interrupted run`);
  restore();
}
process.on('SIGINT', () => {
  restore();
  process.exit(130);
});
process.on('exit', restore);

function apply(mutant: Mutant): void {
  const original = readFileSync(path(mutant.file), 'utf8');
  const at = original.indexOf(mutant.find);
  if (at < 0 || original.indexOf(mutant.find, at + 1) >= 0) {
    throw new Error(`${mutant.id}: '${mutant.find.trim()}' must occur exactly once in ${mutant.file}; update mutants/list.ts`);
  }
  mutated = { file: mutant.file, original };
  writeFileSync(backupFile, JSON.stringify(mutated));
  writeFileSync(path(mutant.file), original.slice(0, at) + mutant.replace + original.slice(at + mutant.find.length));
}

/** The first scenario of the suite not as expected, with the last line sim printed about it; undefined if all were. */
function runSuite(mutant: Mutant): string | undefined {
  for (const check of SUITES[mutant.suite] as Check[]) {
    const [command, args] =
      'test' in check
        ? ['npx', ['vitest', 'run', check.test]]
        : ['node', ['bin/sim.js', 'check', `scenarios/${check.scenario}.ts`, '--jobs', '1', ...(check.seeds ? ['--seeds', String(check.seeds)] : [])]];
    const run = spawnSync(command, args, { cwd: root, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
    if (run.status === 0) continue;
    if ('test' in check) return `${check.test}: ${`${run.stdout}`.split('\n').find((line) => line.includes('FAIL'))?.trim() ?? `exit ${run.status}`}`.slice(0, 200);
    const why = `${run.stdout}${run.stderr}`.split('\n').find((line) => line.startsWith('✗ ') || line.startsWith('sim:')) ?? `exit ${run.status}`;
    return why.replace(/^✗ /, '').slice(0, 200);
  }
  return undefined;
}

const only = process.argv[2];
const mutants = MUTANTS.filter((m) => only === undefined || m.id.includes(only));
const results: Array<{ mutant: Mutant; caughtBy: string | undefined; seconds: number }> = [];
for (const mutant of mutants) {
  const started = performance.now();
  apply(mutant);
  let caughtBy: string | undefined;
  try {
    caughtBy = runSuite(mutant);
  } finally {
    restore();
  }
  const seconds = (performance.now() - started) / 1000;
  results.push({ mutant, caughtBy, seconds });
  console.log(`${caughtBy ? 'caught' : 'MISSED'}  ${mutant.id.padEnd(36)} ${seconds.toFixed(0).padStart(4)}s  ${caughtBy ?? `${mutant.bug} (${mutant.unsafe ? 'makes its design unsafe' : 'weakens a fault or a checker'})`}`);
}

const caught = results.filter((r) => r.caughtBy).length;
const unsafe = results.filter((r) => r.mutant.unsafe);
const unsafeCaught = unsafe.filter((r) => r.caughtBy).length;
console.log(`\nmutation score: ${caught} of ${results.length} caught; of the ${unsafe.length} that make a design unsafe, ${unsafeCaught} caught`);
const missed = results.filter((r) => !r.caughtBy);
if (missed.length > 0) console.log(`missed: ${missed.map((r) => r.mutant.id).join(', ')}`);
