import chalk from 'chalk';
import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { writeFileSync } from 'node:fs';
import { ConfigError, ModelError, ScenarioBuildError, formatTime, toJsonLines } from '../kernel/index.js';
import { defaultJobs } from '../search/pool.js';
import { GoldenFileError } from '../search/golden.js';
import { ReplayFileError, formatReplayFile, replayFileFor, toolVersion } from '../search/replay.js';
import { ScenarioFileError, firstLines } from '../search/scenario-file.js';
import { cannotWrite, UsageError } from './common.js';
import { checkCommand, listCommand } from './check.js';
import { goldenCommand } from './golden.js';
import { initCommand } from './init.js';
import { mergeCommand } from './merge.js';
import { replayCommand, runCommand, type RunOutcome } from './run.js';
import { junitXml } from './junit.js';
import { renderHtml } from '../report/index.js';
import { lincheckCommand, type LincheckOptions } from './lincheck.js';

/** Exit codes: 0 as expected, 1 a verdict that contradicts the scenario, 2 bad input, 3 a model threw, 130 Ctrl-C. */
export const EXIT = { ok: 0, mismatch: 1, usage: 2, modelError: 3, interrupted: 130 } as const;

function integer(name: string, min: number) {
  return (text: string): number => {
    if (!/^\d+$/.test(text) || !Number.isSafeInteger(Number(text)) || Number(text) < min) {
      throw new InvalidArgumentError(`${name} must be an integer of at least ${min}`);
    }
    return Number(text);
  };
}

function seedRange(text: string): [number, number] {
  const match = /^(\d+)\.\.(\d+)$/.exec(text);
  if (!match) throw new InvalidArgumentError('the seed range must look like A..B, for example 1..500');
  const [from, to] = [Number(match[1]), Number(match[2])];
  if (!Number.isSafeInteger(from) || !Number.isSafeInteger(to) || from > to) throw new InvalidArgumentError('the seed range must have A <= B');
  return [from, to];
}

/** `--param users=1000000`, repeatable: each adds one param value to those before it. */
function param(text: string, before: Record<string, number> = {}): Record<string, number> {
  const match = /^([A-Za-z_][\w-]*)=(\d+)$/.exec(text);
  if (!match) throw new InvalidArgumentError('a param must look like name=integer, for example users=1000000');
  return { ...before, [match[1]!]: Number(match[2]) };
}

/** `30s`, `2m`, `1.5h`, `500ms`: a wall-clock budget, in milliseconds. */
function duration(text: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/.exec(text);
  const scale = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 } as const;
  if (!match || Number(match[1]) <= 0) throw new InvalidArgumentError('the time budget must look like 30s, 2m, 1.5h or 500ms');
  return Number(match[1]) * scale[match[2] as keyof typeof scale];
}

/** `2s`, `500ms`, `250us`: a span of simulated true time, in microseconds. */
function trueSpan(text: string): number {
  const match = /^(\d+(?:\.\d+)?)(us|µs|ms|s|m)$/.exec(text);
  const scale = { us: 1, µs: 1, ms: 1_000, s: 1_000_000, m: 60_000_000 } as const;
  if (!match || Number(match[1]) <= 0) throw new InvalidArgumentError('the window must look like 2s, 500ms, 250us or 1m');
  return Math.round(Number(match[1]) * scale[match[2] as keyof typeof scale]);
}

/** `i/n`: the i-th of n disjoint parts of the suite, counted from 1. */
function shard(text: string): [number, number] {
  const match = /^(\d+)\/(\d+)$/.exec(text);
  const [i, n] = match ? [Number(match[1]), Number(match[2])] : [0, 0];
  if (!match || n < 1 || i < 1 || i > n) throw new InvalidArgumentError('the shard must look like i/n with 1 <= i <= n, for example 2/4');
  return [i, n];
}

/**
 * Worker threads beyond the cores only compete for them, and each costs tens of
 * megabytes: more than the machine has is refused, with the number it does have.
 */
function jobs(text: string): number {
  const n = integer('--jobs', 1)(text);
  if (n > defaultJobs()) throw new InvalidArgumentError(`--jobs ${n} is more than this machine's ${defaultJobs()} cores: give at most ${defaultJobs()}`);
  return n;
}

const jobsOption = ['--jobs <n>', 'worker threads searching seeds (one per core unless given, at most one per core)', jobs] as const;

/** Writes an output file the user named; a path that cannot be written is bad input. */
function writeOutput(path: string, text: string): void {
  try {
    writeFileSync(path, text);
  } catch (error) {
    throw cannotWrite(path, error);
  }
}

/** Everything that writes the shown run out: one place, after the command has printed it. */
function writeShown(outcome: RunOutcome, options: { trace?: string; save?: string; html?: string }): void {
  const shown = outcome.shown;
  if (options.trace && shown?.result.trace && !shown.traceStreamed) writeOutput(options.trace, toJsonLines(shown.result.trace));
  if (options.html && shown) {
    const html = renderHtml(shown.subject, shown.result);
    writeOutput(options.html, html);
    console.log(`Wrote ${options.html} (${Math.round(Buffer.byteLength(html) / 1024)} KB): open it in a browser.`);
  }
  if (options.save) {
    if (!shown) {
      console.log(chalk.yellow(`Nothing saved to ${options.save}: no run failed, so there is no run to keep (give --seed to save one run).`));
      return;
    }
    if (shown.result.outcome === 'budget') {
      console.log(chalk.yellow(`Nothing saved to ${options.save}: a replay file expects a violation or a clean run, and this run ran out of its event budget.`));
      return;
    }
    writeOutput(options.save, formatReplayFile(replayFileFor(shown.scenarioPath, options.save, shown.spec, shown.result)));
    console.log(`Saved ${shown.shrink ? 'the shrunk run' : 'the run'} to ${options.save}: ${chalk.bold(`npx sim replay ${options.save}`)}`);
  }
}

/**
 * A command that ends by showing one run: its story on the terminal, and, if asked,
 * its trace, its pictures and its replay file. `show` runs it and says whether it is
 * what the scenario expects.
 */
function showingOneRun(command: Command, setExit: (code: number) => void, show: (file: string, options: any) => Promise<RunOutcome>): void {
  command
    .option('--trace <file.jsonl>', 'write the trace of the run shown as JSON Lines')
    .option('--tail <n>', 'how many events of the trace tail (and of --diagram) to print (default 30)', integer('--tail', 1))
    .option('-q, --quiet', 'print only the verdict')
    .option('-v, --verbose', 'print the whole trace of the run shown')
    .option('--html <file.html>', 'write a self-contained HTML space-time diagram of the run shown')
    .option('--diagram', 'print a text space-time diagram of the end of the run shown, up to the violation (one row per event)')
    .option('--window <span>', 'with --diagram: the events in this much true time up to the violation (2s, 500ms) instead of the last --tail', trueSpan)
    .option('--why', "print the violation's causal slice: the events that could have led to its facts, and the faults that touched them (with --diagram: draw only those)")
    .action(async (file: string, options) => {
      if (options.quiet && options.verbose) throw new UsageError('--quiet and --verbose contradict each other');
      if (options.window !== undefined && !options.diagram) throw new UsageError('--window chooses the rows of --diagram: give it with --diagram');
      const outcome = await show(file, options);
      if (outcome.interrupted) return setExit(EXIT.interrupted);
      writeShown(outcome, options);
      setExit(outcome.matches ? EXIT.ok : EXIT.mismatch);
    });
}

/**
 * The CLI, as a function of its arguments (without `node sim`): what it prints goes
 * to stdout and stderr, and the exit code is returned. `bin/sim.js` calls it once;
 * tests call it in-process, many times.
 */
export async function runCli(args: readonly string[]): Promise<number> {
  let exitCode: number = EXIT.ok;
  const setExit = (code: number) => void (exitCode = code);
  const program = new Command()
    .name('sim')
    .description('A deterministic simulator for distributed-systems designs: see a design fail, reproduce it from a seed.')
    .version(toolVersion(), '-V, --version', 'print the version of sim')
    .exitOverride()
    .configureOutput({ outputError: (text, write) => write(chalk.red(text.replace(/^error: /, 'sim: '))) })
    .showHelpAfterError(chalk.dim('(sim --help shows the commands and options)'));

  const run = program
    .command('run')
    .description('run a scenario on one seed, or search many seeds for a violation')
    .argument('<scenario>', 'a scenario file, for example scenarios/redlock-skew.ts')
    .option('--seed <n>', 'run exactly this seed', integer('--seed', 0))
    .option('--seeds <n>', 'search seeds 1..n', integer('--seeds', 1))
    .option('--seed-range <a..b>', 'search seeds a..b (inclusive)', seedRange)
    .option('--time <duration>', 'search until this much wall-clock time is spent (30s, 2m); with --seeds or --seed-range, stop at their end too', duration)
    .option(...jobsOption, defaultJobs())
    .option('--swarm', 'swarm testing: each seed draws which kinds of fault occur and how intensely')
    .option('--param <name=value>', "set one of the scenario's params (repeatable), for example --param users=1000000", param)
    .option('--no-shrink', 'show a failing run as found, without shrinking it')
    .option('--all-violations', 'keep the shown run going after its first breach and list every breach with its true time (the first decides the verdict; not shrunk)')
    .option('--save <file.json>', 'write the run shown (shrunk) as a replay file');
  showingOneRun(run, setExit, (file, options) => {
    const chosen = ['seed', 'seeds', 'seedRange'].filter((k) => options[k] !== undefined);
    if (chosen.length > 1) throw new UsageError('give at most one of --seed, --seeds and --seed-range');
    if (options.time !== undefined && options.seed !== undefined) throw new UsageError('--time budgets a search: give it with --seeds, --seed-range or alone, not with --seed');
    return runCommand(file, { ...options, params: options.param });
  });

  showingOneRun(
    program
      .command('replay')
      .description('replay a saved run (a replay file from --save) and check it still shows what the file expects')
      .argument('<file.json>', 'a replay file, for example replays/redlock-skew.json'),
    setExit,
    replayCommand,
  );

  program
    .command('check')
    .description('CI mode: run every scenario over its seeds and compare with its expected verdict')
    .argument('[files...]', 'scenario files, or replay files (.json) (default: every scenario in ./scenarios)')
    .option('--seeds <n>', "override each scenario's number of seeds", integer('--seeds', 1))
    .option('--time <duration>', 'search each scenario for an equal share of this wall-clock time (30s, 10m) instead of its seeds; with --seeds, stop there too', duration)
    .option(...jobsOption, defaultJobs())
    .option('--swarm', 'swarm testing: each seed draws which kinds of fault occur and how intensely')
    .option('--replays <folder>', 'also replay every replay file (*.json) in this folder and check each shows what it expects')
    .option('--shard <i/n>', 'run only the i-th of n disjoint parts of the suite (for parallel CI jobs)', shard)
    .option('--junit <file.xml>', 'also write the results as JUnit XML, one testcase per scenario or replay file')
    .option('--json', 'print a machine-readable JSON summary instead of the table')
    .option('-v, --verbose', 'also print how many facts each property was handed over the seeds, and the probes hit')
    .option('--coverage', 'also print which fault effects reached which node roles, and the roles never crashed, paused or clock-shifted')
    .option('--golden <file.json>', 'also compare the traces of every scenario\'s first seeds with this golden file of hashes (run by shard 1 of n)')
    .option('-q, --quiet', 'no progress line')
    .action(async (files: string[], options) => {
      const results = await checkCommand(files, options);
      if (options.junit) writeOutput(options.junit, junitXml(results));
      setExit(results.some((r) => r.interrupted) ? EXIT.interrupted : results.every((r) => r.matches) ? EXIT.ok : EXIT.mismatch);
    });

  program
    .command('merge')
    .description('merge the --json reports of the shards of one sim check run into one table, JUnit file and exit code')
    .argument('<reports...>', 'one sim check --shard i/n --json report per shard, for example results/*.json')
    .option('--junit <file.xml>', 'also write the merged results as JUnit XML')
    .option('--json', 'print the merged report as JSON, as sim check --json prints one')
    .action((files: string[], options: { junit?: string; json?: boolean }) => {
      const results = mergeCommand(files, options);
      if (options.junit) writeOutput(options.junit, junitXml(results));
      setExit(results.every((r) => r.matches) ? EXIT.ok : EXIT.mismatch);
    });

  program
    .command('golden')
    .description('compare the traces of every scenario\'s first seeds with the golden file of hashes, or rewrite it (--update) after a deliberate change')
    .argument('[scenarios...]', 'scenario files (default: every scenario in ./scenarios)')
    .option('--file <file.json>', 'the golden file', 'test/golden/traces.json')
    .option('--update', 'rewrite the golden file from the runs of today\'s code')
    .option('--seeds <n>', 'seeds 1..n of each scenario (default: as the file says, 3 for a new file)', integer('--seeds', 1))
    .action(async (files: string[], options: { file: string; update?: boolean; seeds?: number }) => {
      const { result, write } = await goldenCommand(options.file, files, options);
      if (write !== undefined) writeOutput(options.file, write);
      else console.log(`${result.matches ? chalk.green('✓') : chalk.red('✗')} ${result.summary}`);
      setExit(result.matches ? EXIT.ok : EXIT.mismatch);
    });

  program
    .command('init')
    .description('start using sim in a project: a starter scenario, a README for scenarios/, and a CI workflow (writes over no file)')
    .argument('[dir]', 'the project folder', '.')
    .action((dir: string) => initCommand(dir));

  program
    .command('list')
    .description('the scenarios, with their descriptions and expected verdicts')
    .argument('[folder]', 'folder of scenario files', 'scenarios')
    .action(async (folder: string) => listCommand(folder));

  program
    .command('lincheck')
    .description('decide whether a history (JSON Lines, one operation event per line) is linearizable')
    .requiredOption('--model <name>', 'the sequential model: register, kv, lock or queue')
    .option('--initial <json>', "the model's initial state as JSON (a register's value, each key's value for kv, a lock's holder, a queue's items); default null, or [] for a queue")
    .option('--html <file>', 'for a non-linearizable history, write a page with the smallest failing window and the longest partial linearization')
    .argument('<history...>', 'history files (JSON Lines), or folders of .jsonl files: several print a table')
    .action((paths: string[], options: LincheckOptions) => {
      setExit(lincheckCommand(paths, options));
    });

  try {
    // \`sim\` alone is a newcomer asking what it can do: the help, on stdout, exit 0.
    if (args.length === 0) program.outputHelp();
    else await program.parseAsync([...args], { from: 'user' });
  } catch (error) {
    return report(error, args);
  }
  return exitCode;
}

/** The command line the user typed, narrowed to the one seed that matters. */
function reproduce(args: readonly string[], seed: number | undefined): string {
  const kept: string[] = [];
  for (let i = 0; i < args.length; i++) {
    if (['--seed', '--seeds', '--seed-range', '--time', '--jobs'].includes(args[i]!)) i++;
    else if (!/^--seeds?=|^--seed-range=|^--time=|^--jobs=/.test(args[i]!)) kept.push(args[i]!);
  }
  return ['npx sim', ...kept, ...(seed === undefined ? [] : ['--seed', String(seed)])].join(' ');
}

function report(error: unknown, args: readonly string[]): number {
  if (error instanceof CommanderError) {
    return error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help' ? EXIT.ok : EXIT.usage;
  }
  if (error instanceof UsageError || error instanceof ConfigError || error instanceof ReplayFileError || error instanceof GoldenFileError || error instanceof ScenarioFileError) {
    console.error(chalk.red(`sim: ${error.message}`));
    return EXIT.usage;
  }
  if (error instanceof ScenarioBuildError) {
    console.error(chalk.red(`sim: ${error.message}`));
    console.error(`This is a bug in the scenario file's build, for this seed: ${reproduce(args, error.seed)} reproduces it.`);
    return EXIT.modelError;
  }
  if (error instanceof ModelError) {
    console.error(chalk.red(`sim: the model threw at true time ${formatTime(error.t)} (seed ${error.seed}): ${error.message}`));
    const stack = error.error instanceof Error ? error.error.stack?.split('\n').slice(1, 6).join('\n') : undefined;
    if (stack) console.error(chalk.dim(stack));
    console.error(`This is a bug in the model, not in your input: ${reproduce(args, error.seed)} reproduces it.`);
    return EXIT.modelError;
  }
  console.error(chalk.red(`sim: internal error: ${firstLines(error)}`));
  if (error instanceof Error && error.stack) console.error(chalk.dim(error.stack.split('\n').slice(1, 6).join('\n')));
  return EXIT.modelError;
}
