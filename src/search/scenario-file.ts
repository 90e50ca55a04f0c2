import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ConfigError, isScenario, type Scenario } from '../kernel/index.js';
import { enableTypeScriptScenarios } from './typescript.js';

/** A scenario file that cannot be loaded or is not one: bad input, printed as one line (exit 2). */
export class ScenarioFileError extends Error {
  override name = 'ScenarioFileError';
}

export interface LoadedScenario {
  name: string;
  /** As the user should type it again, relative to the working directory. */
  path: string;
  scenario: Scenario;
}

/**
 * The one loader of scenario files, for the CLI and for the search's worker
 * threads alike: a file that is missing, is not a module, throws while loading or
 * does not export a scenario is the user's input to fix, and the message says how.
 */
export async function loadScenario(file: string): Promise<LoadedScenario> {
  const absolute = resolve(file);
  const shown = relative(process.cwd(), absolute) || file;
  if (!existsSync(absolute)) throw new ScenarioFileError(`no scenario file at ${shown}`);
  if (!statSync(absolute).isFile()) throw new ScenarioFileError(`${shown} is not a file (give a scenario file such as scenarios/redlock-skew.ts)`);
  if (!/\.[cm]?[jt]s$/.test(absolute)) throw new ScenarioFileError(`${shown} is not a TypeScript or JavaScript file`);
  let module: Record<string, unknown>;
  try {
    await enableTypeScriptScenarios();
    module = await import(pathToFileURL(absolute).href);
  } catch (error) {
    if (error instanceof ConfigError) throw new ScenarioFileError(`${shown}: ${error.message}`);
    if ((error as NodeJS.ErrnoException).code === 'ERR_MODULE_NOT_FOUND') {
      throw new ScenarioFileError(`${shown} could not be loaded: it imports what is not there (${firstLines(error)}): install the package, or correct the path`);
    }
    const compiling = error instanceof SyntaxError || /Transform failed|Parse failure/.test(String(error));
    throw new ScenarioFileError(`${shown} ${compiling ? 'could not be loaded' : 'threw while loading'}: ${firstLines(error, 2)}`);
  }
  if (!isScenario(module.default)) {
    throw new ScenarioFileError(`${shown} does not export a scenario: it needs "export default defineScenario({ ... })"`);
  }
  return { name: basename(absolute).replace(/\.[cm]?[jt]s$/, ''), path: shown, scenario: module.default };
}

/**
 * Every scenario file in a folder, by name, then those of each subfolder (the
 * gallery of published stories, `scenarios/published/`), so a new folder's
 * scenarios come after every existing one.
 */
export function scenarioFiles(folder: string): string[] {
  if (!existsSync(folder) || !statSync(folder).isDirectory()) throw new ScenarioFileError(`no scenario folder at ${folder}`);
  const entries = readdirSync(folder).sort();
  const files = entries.filter((f) => /\.ts$/.test(f) && !f.endsWith('.d.ts')).map((f) => join(folder, f));
  const subfolders = entries.map((f) => join(folder, f)).filter((path) => statSync(path).isDirectory());
  return [...files, ...subfolders.flatMap(scenarioFiles)];
}

/** The first lines of an error's message, trimmed: enough to say what went wrong in one line. */
export function firstLines(error: unknown, count = 1): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split('\n').map((line) => line.trim()).filter((line) => line !== '').slice(0, count).join(' ') || text;
}
