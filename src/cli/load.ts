import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ConfigError, isScenario, type Scenario } from '../kernel/index.js';

/** Bad input from the user: printed as one line, exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

export interface LoadedScenario {
  name: string;
  /** As the user should type it again, relative to the working directory. */
  path: string;
  scenario: Scenario;
}

export async function loadScenario(file: string): Promise<LoadedScenario> {
  const absolute = resolve(file);
  const shown = relative(process.cwd(), absolute) || file;
  if (!existsSync(absolute)) throw new UsageError(`no scenario file at ${shown}`);
  if (!statSync(absolute).isFile()) throw new UsageError(`${shown} is not a file (give a scenario file such as scenarios/redlock-skew.ts)`);
  if (!/\.[cm]?[jt]s$/.test(absolute)) throw new UsageError(`${shown} is not a TypeScript or JavaScript file`);
  let module: Record<string, unknown>;
  try {
    module = await import(pathToFileURL(absolute).href);
  } catch (error) {
    if (error instanceof ConfigError) throw new UsageError(`${shown}: ${error.message}`);
    const why = /require\(\) ES Module/.test(String(error))
      ? 'scenario files are ES modules: keep them under a package.json with "type": "module", like this project\'s scenarios/ folder'
      : firstLines(error, 2);
    throw new UsageError(`${shown} could not be loaded: ${why}`);
  }
  if (!isScenario(module.default)) {
    throw new UsageError(`${shown} does not export a scenario: it needs "export default defineScenario({ ... })"`);
  }
  return { name: basename(absolute).replace(/\.[cm]?[jt]s$/, ''), path: shown, scenario: module.default };
}

/** Every scenario file in a folder, by name. */
export function scenarioFiles(folder: string): string[] {
  if (!existsSync(folder) || !statSync(folder).isDirectory()) throw new UsageError(`no scenario folder at ${folder}`);
  return readdirSync(folder)
    .filter((f) => /\.ts$/.test(f) && !f.endsWith('.d.ts'))
    .sort()
    .map((f) => join(folder, f));
}

export function firstLines(error: unknown, count = 1): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split('\n').map((line) => line.trim()).filter((line) => line !== '').slice(0, count).join(' ') || text;
}
