import chalk from 'chalk';
import { readFileSync, statSync } from 'node:fs';
import {
  HistoryError, MODELS, checkLinearizability, describeResult, pairOperations, parseHistoryLines,
} from '../check/linearizability/index.js';
import { UsageError } from './common.js';

/** Exit codes of `sim lincheck`: 0 linearizable, 1 not, 3 undecided (search budget); bad input throws UsageError (2). */
export function lincheckCommand(file: string, options: { model: string }): number {
  const model = MODELS[options.model];
  if (model === undefined) {
    throw new UsageError(`unknown model '${options.model}' (the models: ${Object.keys(MODELS).join(', ')})`);
  }
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
  let operations;
  try {
    operations = pairOperations(parsed.events, (event) => model.validate(event));
  } catch (error) {
    if (error instanceof HistoryError) throw new UsageError(`${file}:${parsed.lines[error.index]! + 1}: ${error.message}`);
    throw error;
  }
  const result = checkLinearizability(model, operations);
  const lines = describeResult(result);
  if (result.verdict === 'linearizable') {
    console.log(chalk.green(lines[0]));
    return 0;
  }
  console.log(result.verdict === 'undecided' ? chalk.yellow(lines.join('\n')) : chalk.red(lines[0]) + '\n' + lines.slice(1).join('\n'));
  return result.verdict === 'undecided' ? 3 : 1;
}
