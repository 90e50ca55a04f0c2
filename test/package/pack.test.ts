import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

/**
 * What a user does: `npm pack` this package, install the tarball into a fresh
 * `npm init -y` project (no "type": "module"), write scenarios there that import only
 * from the package name, and run `npx sim` on them. The registry is replaced by
 * tarballs of the exact dependencies this checkout has installed, so the install is
 * offline and takes what CI already has.
 */
const root = new URL('../../', import.meta.url).pathname;
const work = mkdtempSync(join(tmpdir(), 'sim-pack-'));
const project = join(work, 'project');
afterAll(() => rmSync(work, { recursive: true, force: true }));

function run(command: string, args: string[], cwd: string): { code: number | null; out: string; err: string } {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' } });
  return { code: result.status, out: result.stdout, err: result.stderr };
}

function ok(command: string, args: string[], cwd: string): string {
  const result = run(command, args, cwd);
  if (result.code !== 0) throw new Error(`${command} ${args.join(' ')} exited ${result.code}:\n${result.out}\n${result.err}`);
  return result.out;
}

/** The package folders this package needs at run time, found from its dependencies as installed here (an optional one only if installed). */
function runtimeDependencies(): string[] {
  const folders = new Map<string, string>();
  // Node's lookup: node_modules/<name> in the folder, then in each folder above it.
  const find = (name: string, from: string): string | undefined => {
    for (let folder = from; ; folder = dirname(folder)) {
      if (existsSync(join(folder, 'node_modules', name, 'package.json'))) return join(folder, 'node_modules', name);
      if (folder === dirname(folder)) return undefined;
    }
  };
  const visit = (name: string, from: string, optional: boolean) => {
    if (folders.has(name)) return;
    const folder = find(name, from);
    if (folder === undefined) {
      if (optional) return;
      throw new Error(`${name} is not installed (npm ci)`);
    }
    folders.set(name, folder);
    const { dependencies = {}, optionalDependencies = {} } = JSON.parse(readFileSync(join(folder, 'package.json'), 'utf8'));
    for (const dependency of Object.keys(dependencies)) visit(dependency, folder, false);
    for (const dependency of Object.keys(optionalDependencies)) visit(dependency, folder, true);
  };
  for (const name of Object.keys(JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).dependencies)) visit(name, root, false);
  return [...folders.values()];
}

beforeAll(() => {
  // The package as `npm publish` would upload it (prepack builds dist/).
  const tarball = join(work, ok('npm', ['pack', '--silent', '--pack-destination', work], root).trim().split('\n').at(-1)!);
  // Its dependencies as tarballs (`package/` at the top, as npm packs them; uncompressed: gzip would take seconds for esbuild).
  const dependencies = runtimeDependencies().map((folder, i) => {
    const file = join(work, `dependency-${i}.tar`);
    ok('tar', ['-C', folder, '--transform', 's,^\\.,package,', '-cf', file, '.'], work);
    return file;
  });
  ok('mkdir', ['-p', project], work);
  ok('npm', ['init', '-y'], project);
  ok('npm', ['install', '--offline', '--no-audit', '--no-fund', '--ignore-scripts', '--cache', join(work, 'npm-cache'), tarball, ...dependencies], project);
}, 180_000);

describe('the package, installed from its tarball into a fresh project', { timeout: 120_000 }, () => {
  test('ships compiled JavaScript and declarations for every entry point, and no sources', () => {
    const installed = join(project, 'node_modules', 'dst-sim');
    const { exports } = JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8'));
    for (const [entry, target] of Object.entries<{ types: string; default: string } | string>(exports)) {
      if (typeof target === 'string') continue;
      expect(existsSync(join(installed, target.default)), `${entry}: ${target.default}`).toBe(true);
      expect(existsSync(join(installed, target.types)), `${entry}: ${target.types}`).toBe(true);
    }
    expect(existsSync(join(installed, 'src'))).toBe(false);
    expect(JSON.parse(readFileSync(join(project, 'package.json'), 'utf8')).type).not.toBe('module');
  });

  test('sim init writes a starter scenario that imports only the package; sim run and sim check pass it', () => {
    expect(ok('npx', ['sim', 'init'], project)).toContain('wrote scenarios/example.ts');
    expect(readFileSync(join(project, 'scenarios/example.ts'), 'utf8')).toMatch(/from 'dst-sim';/);
    expect(ok('npx', ['sim', 'run', 'scenarios/example.ts', '--seed', '3'], project)).toMatch(/no property violated in 10\.000000s of simulated time \(seed 3\)/);
    expect(ok('npx', ['sim', 'check', '--seeds', '20', '--jobs', '2'], project)).toMatch(/example +safe +20 +✓ safe over 20 seeds/);
    const again = run('npx', ['sim', 'init'], project);
    expect(again.code).toBe(2);
    expect(again.err.trim().split('\n')).toHaveLength(1);
  });

  test('a user scenario that breaks the design: sim run finds, shrinks and tells it; its types check against the declarations', () => {
    writeFileSync(join(project, 'scenarios/forgetful.ts'), readFileSync(join(project, 'scenarios/example.ts'), 'utf8')
      .replace("ctx.disk.set('next', next);", '')
      .replace("expect: 'safe'", "expect: { violates: 'unique-ids' }"));
    const found = ok('npx', ['sim', 'run', 'scenarios/forgetful.ts', '--seeds', '50'], project);
    expect(found).toMatch(/✗ unique-ids violated at .* \(seed \d+, shrunk\)/);
    expect(found).toMatch(/As expected: this scenario violates unique-ids\.\nReproduce: npx sim run scenarios\/forgetful\.ts --seed \d+/);
    writeFileSync(join(project, 'tsconfig.json'), JSON.stringify({ compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, noEmit: true, skipLibCheck: false, types: [] }, include: ['scenarios'] }));
    const typescript = createRequire(join(root, 'package.json')).resolve('typescript/package.json');
    const checked = run(process.execPath, [join(dirname(typescript), 'bin', 'tsc'), '-p', '.'], project);
    expect(checked.out + checked.err).toBe('');
    writeFileSync(join(project, 'scenarios/typo.ts'), "import { defineScenario } from 'dst-sim';\nexport default defineScenario({ descripton: 'x' });\n");
    expect(run(process.execPath, [join(dirname(typescript), 'bin', 'tsc'), '-p', '.'], project).out).toMatch(/scenarios\/typo\.ts.*'descripton' does not exist/);
  });

  test.each([
    ['imports a missing module', "import { helper } from './helpers.js';\nexport default helper;\n", /^sim: bad\/\w+\.ts could not be loaded: it imports what is not there \(.*helpers\.js.*\): install the package, or correct the path$/],
    ['exports no scenario', "export const scenario = 1;\n", /^sim: bad\/\w+\.ts does not export a scenario: it needs "export default defineScenario\(\{ \.\.\. \}\)"$/],
    ['throws at load', "import { seconds } from 'dst-sim';\nif (seconds(1) > 0) throw new Error('SIM_TARGET is not set');\n", /^sim: bad\/\w+\.ts threw while loading: SIM_TARGET is not set$/],
  ])('a user scenario that %s: one line naming the file and the problem, exit 2', (_what, text, line) => {
    ok('mkdir', ['-p', 'bad'], project);
    const file = `bad/${_what.split(' ')[0]}.ts`;
    writeFileSync(join(project, file), text);
    const result = run('npx', ['sim', 'run', file], project);
    expect(result.code).toBe(2);
    expect(result.err.trim()).toMatch(line);
  });
});
