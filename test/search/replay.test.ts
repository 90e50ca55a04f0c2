import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, test } from 'vitest';
import { runScenario } from '../../src/kernel/index.js';
import { ReplayFileError, checkReplay, formatReplayFile, readReplayFile, replayFileFor, toolVersion } from '../../src/search/replay.js';
import { shrink } from '../../src/search/shrink.js';
import heartbeat from '../fixtures/heartbeat.js';

const folder = mkdtempSync(join(tmpdir(), 'sim-replay-'));
const fixture = resolve('test/fixtures/heartbeat.ts');

const { shrunk, shrunkResult } = await shrink(heartbeat, runScenario(heartbeat, 1));

describe('replay files', () => {
  const path = join(folder, 'heartbeat.json');
  writeFileSync(path, formatReplayFile(replayFileFor(fixture, path, shrunk, shrunkResult)));

  test('a saved run replays to exactly the same violation', async () => {
    const { replay, scenarioPath } = readReplayFile(path);
    expect(scenarioPath).toBe(fixture);
    expect(replay).toMatchObject({ seed: shrunk.seed, faults: shrunk.faults, overrides: shrunk.overrides, expect: { violates: 'steady-heartbeat' }, tool: toolVersion() });
    const verdict = await checkReplay(heartbeat, replay);
    expect(verdict.matches).toBe(true);
    expect(verdict.result.violation).toEqual(shrunkResult.violation);
    expect(verdict.result.stats).toEqual(shrunkResult.stats);
    expect(verdict.summary).toMatch(/^reproduces: violates steady-heartbeat/);
  });

  test('the file names its scenario relative to itself and says what it expects', () => {
    const text = readFileSync(path, 'utf8');
    expect(JSON.parse(text).scenario).toMatch(/test\/fixtures\/heartbeat\.ts$/);
    expect(JSON.parse(text).expectation).toMatch(/expects a violation of steady-heartbeat/);
  });

  test('a run that no longer shows the failure is reported loudly, not passed', async () => {
    const { replay } = readReplayFile(path);
    const verdict = await checkReplay(heartbeat, { ...replay, faults: [] });
    expect(verdict.matches).toBe(false);
    expect(verdict.summary).toMatch(/does NOT reproduce: the file expects it to violates steady-heartbeat, but now it violates nothing/);
  });

  test('a file that expects "safe" (a fixed bug) passes when nothing fails and fails when something does', async () => {
    const { replay } = readReplayFile(path);
    expect((await checkReplay(heartbeat, { ...replay, expect: 'safe', faults: [] })).matches).toBe(true);
    expect((await checkReplay(heartbeat, { ...replay, expect: 'safe' })).matches).toBe(false);
  });

  const valid = JSON.parse(readFileSync(path, 'utf8'));
  test.each([
    ['not JSON', '{ seed: 1', /is not JSON/],
    ['not an object', '[1, 2]', /must be a JSON object/],
    ['another format', JSON.stringify({ ...valid, format: 'other/2' }), /"format" must be "sim-replay\/1", not "other\/2"/],
    ['a bad seed', JSON.stringify({ ...valid, seed: -1 }), /"seed" must be a non-negative integer/],
    ['a bad expectation', JSON.stringify({ ...valid, expect: 'unsafe' }), /"expect" must be "safe" or/],
    ['an unknown fault kind', JSON.stringify({ ...valid, faults: [{ at: 0, kind: 'meteor' }] }), /fault 1: unknown kind "meteor"/],
    ['a pause without a duration', JSON.stringify({ ...valid, faults: [{ at: 0, kind: 'pause', node: 'client-1' }] }), /fault 1: a pause fault needs a "duration"/],
    ['a fault at a negative time', JSON.stringify({ ...valid, faults: [{ at: -5, kind: 'crash', node: 'server' }] }), /fault 1: "at" must be a non-negative integer/],
    ['unknown overrides', JSON.stringify({ ...valid, overrides: { speed: 2 } }), /"overrides" has unknown fields: speed/],
    ['a scenario that is not there', JSON.stringify({ ...valid, scenario: 'nowhere.ts' }), /replays the scenario nowhere\.ts \(relative to the file\), but there is no file at/],
    ['a fractional param', JSON.stringify({ ...valid, overrides: { params: { clients: 1.5 } } }), /"overrides.params.clients" must be an integer/],
  ])('rejects a file with %s, saying what is wrong', (_, text, message) => {
    const bad = join(folder, 'bad.json');
    writeFileSync(bad, text);
    expect(() => readReplayFile(bad)).toThrow(ReplayFileError);
    expect(() => readReplayFile(bad)).toThrow(message);
  });

  test('rejects a file that is not there', () => {
    expect(() => readReplayFile(join(folder, 'missing.json'))).toThrow(/cannot read the replay file/);
  });
});
