import chalk from 'chalk';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  HistoryError, MODELS, checkLinearizability, describeResult, pairOperations, parseHistoryLines, renderLincheckPage,
  smallestFailingWindow, startingFrom, type LinearizabilityResult, type Model, type Operation,
} from '../check/linearizability/index.js';
import { UsageError, cannotWrite } from './common.js';

export interface LincheckOptions {
  model: string;
  /** The model's initial state, as JSON. */
  initial?: string;
  /** Where to write the page for a non-linearizable history. */
  html?: string;
}

/**
 * Exit codes of `sim lincheck`: 0 linearizable, 1 not, 3 undecided (search budget),
 * 2 bad input. One history prints its verdict in full; several (or a folder of
 * `.jsonl` files) print a table, and the exit code is the worst row's: bad input,
 * then undecided, then not linearizable, then linearizable.
 */
export function lincheckCommand(paths: string[], options: LincheckOptions): number {
  const model = modelFor(options);
  const files = paths.flatMap(historiesAt);
  if (options.html !== undefined && files.length !== 1) {
    throw new UsageError(`--html draws one history; ${files.length} were given (name the one to draw)`);
  }
  if (files.length === 1 && !isFolder(paths[0]!)) return checkOne(files[0]!, model, options.html);
  return checkMany(files, model);
}

function modelFor(options: LincheckOptions): Model {
  const model = MODELS[options.model];
  if (model === undefined) {
    throw new UsageError(`unknown model '${options.model}' (the models: ${Object.keys(MODELS).join(', ')})`);
  }
  if (options.initial === undefined) return model;
  let initial: unknown;
  try {
    initial = JSON.parse(options.initial);
  } catch {
    throw new UsageError(`--initial must be JSON, for example --initial 0 or --initial '""' (got ${options.initial})`);
  }
  const problem = model.initialProblem(initial);
  if (problem !== undefined) throw new UsageError(`--initial ${options.initial}: ${problem}`);
  return startingFrom(model, initial);
}

const isFolder = (path: string) => {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
};

/** A file stands for itself; a folder for its `.jsonl` files, by name. */
function historiesAt(path: string): string[] {
  if (!isFolder(path)) return [path];
  const files = readdirSync(path).filter((name) => name.endsWith('.jsonl')).sort().map((name) => join(path, name));
  if (files.length === 0) throw new UsageError(`${path} holds no .jsonl histories`);
  return files;
}

/** Reads and pairs a history; every problem is bad input naming the file (and line). */
function readHistory(file: string, model: Model): Operation[] {
  let text: string;
  try {
    if (!statSync(file).isFile()) throw new UsageError(`${file} is not a file`);
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  let parsed: ReturnType<typeof parseHistoryLines>;
  try {
    parsed = parseHistoryLines(text);
  } catch (error) {
    if (error instanceof HistoryError) throw new UsageError(`${file}:${error.index + 1}: ${error.message}`);
    throw error;
  }
  try {
    return pairOperations(parsed.events, (event) => model.validate(event));
  } catch (error) {
    if (error instanceof HistoryError) throw new UsageError(`${file}:${parsed.lines[error.index]! + 1}: ${error.message}`);
    throw error;
  }
}

const EXIT_OF: Readonly<Record<LinearizabilityResult['verdict'], number>> = { linearizable: 0, 'not-linearizable': 1, undecided: 3 };

function checkOne(file: string, model: Model, html: string | undefined): number {
  const operations = readHistory(file, model);
  const result = checkLinearizability(model, operations);
  const lines = describeResult(result);
  if (result.verdict === 'linearizable') console.log(chalk.green(lines[0]));
  else console.log(result.verdict === 'undecided' ? chalk.yellow(lines.join('\n')) : chalk.red(lines[0]) + '\n' + lines.slice(1).join('\n'));
  if (html !== undefined) {
    if (result.verdict !== 'not-linearizable') {
      console.log(`No page written to ${html}: it draws why a history is not linearizable, and this one is ${result.verdict}.`);
    } else {
      const window = smallestFailingWindow(model, operations, result.counterexample);
      try {
        writeFileSync(html, renderLincheckPage(file, model, operations, result.counterexample, window));
      } catch (error) {
        throw cannotWrite(html, error);
      }
      console.log(`Smallest failing window: ${window.operations.length} operations. Page written to ${html}`);
    }
  }
  return EXIT_OF[result.verdict];
}

/** Worst first: bad input, then undecided, then not linearizable. */
const SEVERITY = [0, 1, 3, 2];

function checkMany(files: string[], model: Model): number {
  const rows: string[][] = [];
  const count = { linearizable: 0, 'not-linearizable': 0, undecided: 0, bad: 0 };
  let worst = 0;
  const started = performance.now();
  for (const file of files) {
    const start = performance.now();
    let exit: number;
    let ops = '';
    let verdict: string;
    try {
      const operations = readHistory(file, model);
      const result = checkLinearizability(model, operations);
      ops = String(operations.length);
      exit = EXIT_OF[result.verdict];
      count[result.verdict]++;
      verdict = result.verdict === 'linearizable' ? chalk.green('linearizable') : result.verdict === 'undecided' ? chalk.yellow('undecided (step budget)') : chalk.red(notLinearizable(result));
    } catch (error) {
      if (!(error instanceof UsageError)) throw error;
      exit = 2;
      count.bad++;
      verdict = chalk.red(`bad input: ${error.message}`);
    }
    if (SEVERITY.indexOf(exit) > SEVERITY.indexOf(worst)) worst = exit;
    rows.push([file, ops, verdict, `${(performance.now() - start).toFixed(0)} ms`]);
  }
  printTable(['history', 'ops', 'verdict', 'time'], rows);
  const total = ((performance.now() - started) / 1000).toFixed(2);
  const parts = [`${count.linearizable} linearizable`, `${count['not-linearizable']} not linearizable`];
  if (count.undecided > 0) parts.push(`${count.undecided} undecided`);
  if (count.bad > 0) parts.push(`${count.bad} bad input`);
  console.log(`${files.length} histories: ${parts.join(', ')} (${total} s)`);
  return worst;
}

function notLinearizable(result: Extract<LinearizabilityResult, { verdict: 'not-linearizable' }>): string {
  const c = result.counterexample;
  const where = c.partition === undefined ? '' : ` on key ${JSON.stringify(c.partition)}`;
  return `not linearizable${where}: ${c.stuck.process} ${c.stuck.f} at ${c.stuck.call}`;
}

function printTable(header: string[], rows: string[][]): void {
  const visible = (text: string) => text.replace(/\u001b\[[0-9;]*m/g, '').length;
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => visible(row[i]!))));
  const line = (cells: string[]) => cells.map((cell, i) => (i === 1 || i === 3 ? ' '.repeat(widths[i]! - visible(cell)) + cell : cell + ' '.repeat(widths[i]! - visible(cell)))).join('  ').trimEnd();
  console.log(chalk.bold(line(header)));
  for (const row of rows) console.log(line(row));
}
