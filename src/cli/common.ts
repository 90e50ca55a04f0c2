/** What every CLI command shares: bad input (UsageError), Ctrl-C, and errors that belong to a scenario file. */
import chalk from 'chalk';
import { ConfigError } from '../kernel/index.js';
import { firstLines } from '../search/scenario-file.js';

/** Bad input from the user: printed as one line, exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** An output file the user named cannot be written: bad input, naming the path and why. */
export const cannotWrite = (path: string, error: unknown): UsageError =>
  new UsageError(`cannot write ${path}: ${(error as NodeJS.ErrnoException).code ?? firstLines(error)}`);

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

/**
 * Runs `body` for a scenario file: a ConfigError (a bad field, a fault naming a node
 * the scenario lacks, a build that throws for every seed) is the file's to fix, so
 * it is reported as bad input naming the file.
 */
export async function forScenarioFile<T>(path: string, body: () => Promise<T>): Promise<T> {
  try {
    return await body();
  } catch (error) {
    if (error instanceof ConfigError) throw new UsageError(`${path}: ${error.message}`);
    throw error;
  }
}
