import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { root, sim } from './spawn.js';


describe('sim run', () => {
  it('shows the headline violation with its story and the command that reproduces it, and writes the same trace every time', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sim-'));
    const first = sim('run', 'scenarios/redlock-skew.ts', '--seed', '1', '--trace', join(dir, 'a.jsonl'));
    sim('run', 'scenarios/redlock-skew.ts', '--seed', '1', '--trace', join(dir, 'b.jsonl'));
    expect(first.code).toBe(0);
    expect(first.out).toContain('✗ mutual-exclusion violated at');
    expect(first.out).toContain('What led there');
    expect(first.out).toContain('Reproduce: npx sim run scenarios/redlock-skew.ts --seed 1');
    const trace = readFileSync(join(dir, 'a.jsonl'), 'utf8');
    expect(trace).toBe(readFileSync(join(dir, 'b.jsonl'), 'utf8'));
    const lines = trace.trimEnd().split('\n').map((line) => JSON.parse(line));
    expect(lines.at(-1)).toMatchObject({ kind: 'end', reason: 'violation' });
  });

  it('runs every seed with a --param, shrinks from it, and carries it into the reproduce command', () => {
    const { code, out } = sim('run', 'test/fixtures/heartbeat.ts', '--seeds', '3', '--param', 'clients=6');
    expect(code).toBe(0);
    expect(out).toContain('clients 6 → 1');
    expect(out).toContain('Reproduce: npx sim run test/fixtures/heartbeat.ts --seed 1 --param clients=6');
  });

  it('exits 1 when a safe scenario is found to fail', () => {
    const dir = mkdtempSync(join(root, 'scenarios', '.tmp-'));
    const file = join(dir, 'always-fails.ts');
    writeFileSync(
      file,
      `import { defineScenario, seconds } from '../../src/kernel/index.js';
export default defineScenario({
  description: 'a node that reports a fact the property forbids',
  expect: 'safe',
  duration: seconds(1),
  build(world) {
    world.node('n', (ctx) => void ctx.fact('bad', {}));
    world.property({ name: 'never-bad', observe: (f) => (f.kind === 'bad' ? { message: 'it happened' } : undefined) });
  },
});
`,
    );
    const result = sim('run', file, '--seeds', '3');
    rmSync(dir, { recursive: true });
    expect(result.code).toBe(1);
    expect(result.out).toContain('Not as expected');
    expect(result.out).toMatch(/Reproduce: npx sim run .*always-fails.ts --seed 1/);
  });
});

describe('bad input', () => {
  it.each([
    [['run', 'scenarios/no-such.ts'], 'no scenario file at scenarios/no-such.ts'],
    [['run', 'scenarios/redlock-skew.ts', '--seed', 'abc'], '--seed must be an integer'],
    [['run', 'scenarios/redlock-skew.ts', '--seed', '1', '--seeds', '5'], 'give at most one of --seed, --seeds and --seed-range'],
    [['run', 'scenarios/redlock-skew.ts', '--bogus'], "unknown option '--bogus'"],
    [['run', 'package.json'], 'package.json is not a TypeScript or JavaScript file'],
    [['run', 'src/kernel/time.ts'], 'does not export a scenario'],
  ])('sim %j says what is wrong in one line and exits 2', (args, message) => {
    const result = sim(...args);
    expect(result.code).toBe(2);
    expect(result.err).toContain(message);
    expect(result.err).not.toMatch(/^\s+at /m); // no stack trace
  });
});
