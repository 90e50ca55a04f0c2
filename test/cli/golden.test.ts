import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { firstDivergence, readGoldenFile } from '../../src/search/golden.js';
import { root, sim } from './spawn.js';


describe('golden trace hashes', () => {
  it('records every seed of a scenario, then finds today\'s traces identical', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'sim-golden-')), 'traces.json');
    const recorded = sim('golden', 'test/fixtures/heartbeat.ts', '--update', '--file', file, '--seeds', '2');
    expect(recorded.code).toBe(0);
    const golden = readGoldenFile(file);
    expect(golden.entries.map((e) => [e.scenario, e.seed])).toEqual([['test/fixtures/heartbeat.ts', 1], ['test/fixtures/heartbeat.ts', 2]]);
    expect(golden.entries[0]!.sha256).toMatch(/^[0-9a-f]{64}$/);
    const compared = sim('golden', 'test/fixtures/heartbeat.ts', '--file', file);
    expect(compared.code).toBe(0);
    expect(compared.out).toContain('2 traces identical');
  });

  it('fails on a changed trace, naming the scenario and the seed and saying how to accept a deliberate change', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'sim-golden-')), 'traces.json');
    sim('golden', 'test/fixtures/heartbeat.ts', '--update', '--file', file, '--seeds', '2');
    const golden = readGoldenFile(file);
    golden.entries[1]!.sha256 = '0'.repeat(64);
    writeFileSync(file, JSON.stringify(golden));
    const compared = sim('check', 'test/fixtures/heartbeat.ts', '--seeds', '1', '--golden', file);
    expect(compared.code).toBe(1);
    expect(compared.out).toContain('✗ test/fixtures/heartbeat.ts seed 2: trace differs');
    expect(compared.out).toContain(`npx sim golden --update --file ${file}`);
    expect(compared.out).toMatch(/scenarios: 1 passed, 1 failed/);
  });

  it('catches a model that leaks state from one run into the next, by checking the seeds in the other order', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'sim-golden-')), 'traces.json');
    expect(sim('golden', 'test/fixtures/leaky.ts', '--update', '--file', file, '--seeds', '2').code).toBe(0);
    const compared = sim('golden', 'test/fixtures/leaky.ts', '--file', file);
    expect(compared.code).toBe(1);
    expect(compared.out).toContain('test/fixtures/leaky.ts seed 2: trace differs');
  });

  it('is bad input when the golden file is missing or not one', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sim-golden-'));
    const missing = sim('golden', '--file', join(dir, 'none.json'));
    expect(missing.code).toBe(2);
    expect(missing.err.trim().split('\n')).toHaveLength(1);
    expect(missing.err).toContain('create it with: npx sim golden --update');
    writeFileSync(join(dir, 'other.json'), '{"format":"something-else"}');
    const other = sim('golden', '--file', join(dir, 'other.json'));
    expect(other.code).toBe(2);
    expect(other.err).toContain('is not a golden file');
  });

  it('the committed golden file covers every scenario of the project', () => {
    const golden = readGoldenFile(join(root, 'test/golden/traces.json'));
    const listed = new Set(golden.entries.map((e) => e.scenario));
    // The top folder and its subfolders (the gallery of published stories).
    const scenarios = spawnSync('find', ['scenarios', '-name', '*.ts'], { cwd: root, encoding: 'utf8' }).stdout.split('\n').filter((f) => f.endsWith('.ts')).map((f) => f.slice('scenarios/'.length));
    expect([...listed].sort()).toEqual(scenarios.map((f) => `scenarios/${f}`).sort());
    expect(readFileSync(join(root, 'package.json'), 'utf8')).toContain('--golden test/golden/traces.json');
  });
});

describe('firstDivergence', () => {
  it('is the first line that differs, with both versions', () => {
    expect(firstDivergence(['a', 'b', 'c'], ['a', 'x', 'c'])).toEqual({ index: 1, recorded: 'b', now: 'x' });
  });
  it('is where one trace ends early', () => {
    expect(firstDivergence(['a', 'b'], ['a'])).toEqual({ index: 1, recorded: 'b', now: undefined });
  });
  it('is nothing for identical traces', () => {
    expect(firstDivergence(['a'], ['a'])).toBeUndefined();
  });
});
