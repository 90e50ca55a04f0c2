import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { root, sim } from './spawn.js';


const folder = mkdtempSync(join(tmpdir(), 'sim-cli-'));
const fixture = 'test/fixtures/heartbeat.ts';

describe('sim run --save and sim replay', () => {
  const saved = join(folder, 'heartbeat.json');
  const run = sim('run', fixture, '--seed', '1', '--save', saved);

  test('run shows the shrunk run: how much it shrank, its faults with true times, the trace tail', () => {
    expect(run.code).toBe(0);
    expect(run.out).toMatch(/steady-heartbeat violated at .* \(seed 1, shrunk\)/);
    expect(run.out).toMatch(/Shrunk in \d+ replays.*faults 7 → 1, events \d+ → \d+, clients 4 → 1, run ends at/);
    expect(run.out).toMatch(/Faults \(true time\):\n\s+6\.000000s\s+pause client-1 for/);
    expect(run.out).toMatch(/What led there/);
    expect(run.out).toContain(`Saved the shrunk run to ${saved}`);
  });

  test('replay reproduces it (exit 0), and fails loudly (exit 1) once the run no longer shows it', () => {
    const replay = sim('replay', saved, '--quiet');
    expect(replay.code).toBe(0);
    expect(replay.out).toMatch(/reproduces: violates steady-heartbeat/);
    const edited = join(folder, 'edited.json');
    // The scenario (here: its fault schedule) changed since the file was saved.
    writeFileSync(edited, JSON.stringify({ ...JSON.parse(readFileSync(saved, 'utf8')), faults: [] }));
    const broken = sim('replay', edited, '--quiet');
    expect(broken.code).toBe(1);
    expect(broken.out).toMatch(/does NOT reproduce: the file expects it to violates steady-heartbeat, but now it violates nothing/);
  });
});

describe('bad input: one clear line, exit 2', () => {
  const notJson = join(folder, 'broken.json');
  writeFileSync(notJson, '{ "format": ');
  test.each([
    [['replay', notJson], /^sim: .*broken\.json is not JSON/],
    [['replay', join(folder, 'none.json')], /^sim: cannot read the replay file/],
    [['run', fixture, '--jobs', '0'], /--jobs must be an integer of at least 1/],
    [['run', fixture, '--time', '5x'], /the time budget must look like 30s, 2m/],
    [['run', fixture, '--seed', '1', '--time', '2s'], /^sim: --time budgets a search/],
    [['run', fixture, '--seed', '1', '--save', join(folder, 'no-such-folder', 'x.json')], /^sim: cannot write .*x\.json: ENOENT/],
    [['check', fixture, '--shard', '3/2'], /the shard must look like i\/n with 1 <= i <= n/],
    [['check', fixture, '--replays', join(folder, 'nowhere')], /^sim: no folder of replay files at/],
  ])('sim %j', (args, message) => {
    const result = sim(...args);
    expect(result.code).toBe(2);
    expect(result.err).toMatch(message);
    expect(result.err).not.toMatch(/\n\s+at /); // no stack trace
  });
});

describe('sim check', () => {
  const xml = join(folder, 'junit.xml');
  const one = sim('check', fixture, 'scenarios/gc-pause-no-fencing.ts', '--jobs', '1', '--json', '--junit', xml);
  const two = sim('check', fixture, 'scenarios/gc-pause-no-fencing.ts', '--jobs', '2', '--json');
  const verdicts = (out: string) => (JSON.parse(out) as { results: Array<{ seconds: number }> }).results.map(({ seconds: _, ...rest }) => rest);

  test('--jobs 1 and --jobs 2 give the same verdicts, failure counts and lowest failing seeds', () => {
    expect(one.code).toBe(0);
    expect(two.code).toBe(0);
    expect(verdicts(two.out)).toEqual(verdicts(one.out));
    expect(JSON.parse(one.out)).toMatchObject({ passed: 2, failed: 0, shard: null });
    expect(verdicts(one.out)[1]).toMatchObject({ name: 'gc-pause-no-fencing', matches: true, firstFailure: 1 });
  });

  test('--time searches each scenario for its share of the budget, beyond its own seeds', () => {
    const timed = sim('check', fixture, '--time', '600ms', '--json');
    expect(timed.code).toBe(0);
    const [entry] = JSON.parse(timed.out).results;
    expect(entry).toMatchObject({ name: 'heartbeat', matches: true, firstFailure: 1 });
    expect(entry.seeds).toBeGreaterThan(4); // the fixture's own seeds
  });

  test('--junit writes one testcase per scenario', () => {
    const text = readFileSync(xml, 'utf8');
    expect(text).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<testsuites name="sim check" tests="2" failures="0"/);
    expect(text.match(/<testcase /g)).toHaveLength(2);
    expect(text).toContain('name="gc-pause-no-fencing" file="scenarios/gc-pause-no-fencing.ts"');
  });
});

describe('Ctrl-C during a search', () => {
  /**
   * Starts a search, sends SIGINT once the search has printed its first line and
   * run for `afterMs` more, and collects what it printed.
   */
  const interrupted = (args: string[], afterMs: number) =>
    new Promise<{ code: number | null; out: string; ms: number }>((done) => {
      const child = spawn(process.execPath, ['bin/sim.js', ...args], { cwd: root, env: { ...process.env, NO_COLOR: '1' } });
      let out = '';
      let sentAt = 0;
      child.stdout.on('data', (chunk: Buffer) => {
        const started = out === '';
        out += chunk.toString();
        if (started) {
          setTimeout(() => {
            sentAt = performance.now();
            child.kill('SIGINT');
          }, afterMs);
        }
      });
      child.on('close', (code) => done({ code, out, ms: performance.now() - sentAt }));
    });

  test('stops the workers, prints the seeds done, the failures and the lowest failing seed with its command, and exits 130', async () => {
    const { code, out, ms } = await interrupted(['run', 'scenarios/redlock-skew.ts', '--seeds', '1000000', '--jobs', '2'], 1_500);
    expect(code).toBe(130);
    expect(out).toMatch(/Interrupted after \d+ seeds: \d+ failing\./);
    expect(out).toContain('Lowest failing seed so far: 1 (violates mutual-exclusion); not shrunk');
    expect(out).toContain('Reproduce: npx sim run scenarios/redlock-skew.ts --seed 1');
    // At once, next to the hours the million seeds would take; generous, as the machine may be busy.
    expect(ms).toBeLessThan(10_000);
  });

  test('says so when nothing failed yet', async () => {
    const { code, out } = await interrupted(['run', 'scenarios/gc-pause-fencing.ts', '--seeds', '1000000', '--jobs', '1'], 1_000);
    expect(code).toBe(130);
    expect(out).toContain('No failing seed found so far.');
  });
});

describe('sim merge', () => {
  const suite = [fixture, 'scenarios/gc-pause-no-fencing.ts', 'scenarios/gc-pause-fencing.ts', 'scenarios/redis-single-failover.ts', 'replays/gc-pause-no-fencing.json'];
  const essentials = (report: string) =>
    (JSON.parse(report) as { results: Array<Record<string, unknown>> }).results.map(({ seconds: _s, order: _o, ...rest }) => rest);

  test('the 4 shards of a suite, each run by its own process and merged, give exactly the unsharded result', () => {
    const whole = sim('check', ...suite, '--seeds', '10', '--jobs', '1', '--json');
    expect(whole.code).toBe(0);
    const reports = [1, 2, 3, 4].map((i) => {
      const file = join(folder, `shard-${i}.json`);
      const part = sim('check', ...suite, '--seeds', '10', '--jobs', '1', '--json', '--shard', `${i}/4`);
      writeFileSync(file, part.out);
      return file;
    });
    const merged = sim('merge', ...reports, '--json');
    expect(merged.code).toBe(0);
    expect(essentials(merged.out)).toEqual(essentials(whole.out));
    const table = sim('merge', ...reports.reverse(), '--junit', join(folder, 'merged.xml'));
    expect(table.out).toContain('scenarios: 5 passed, 0 failed');
    expect(readFileSync(join(folder, 'merged.xml'), 'utf8')).toContain('tests="5" failures="0"');
  });

  test('a missing or repeated shard is bad input, not a green partial suite', () => {
    const reports = [1, 2, 3, 4].map((i) => join(folder, `shard-${i}.json`));
    const missing = sim('merge', reports[0]!, reports[2]!, reports[3]!);
    expect(missing.code).toBe(2);
    expect(missing.err).toContain('shard 2/4 missing');
    const twice = sim('merge', reports[0]!, reports[0]!, reports[1]!, reports[2]!, reports[3]!);
    expect(twice.code).toBe(2);
    expect(twice.err).toContain('given twice');
  });
});

describe('a run too long to keep whole', () => {
  test('is shown from its tail, and --trace still gets every event, streamed', () => {
    const dir = mkdtempSync(join(root, 'test', '.tmp-long-'));
    const file = join(dir, 'livelock.ts');
    writeFileSync(file, `
import { defineScenario, seconds } from '../../src/kernel/index.js';
const bounce = (peer) => (ctx) => { if (ctx.id === 'a') ctx.send(peer, 'ball'); return { onMessage: () => ctx.send(peer, 'ball') }; };
export default defineScenario({
  description: 'zero-latency ping-pong past its budget', expect: 'safe', duration: seconds(1), seeds: 1, maxEvents: 1_200_000,
  network: { latency: { min: 0, max: 0 } },
  build(world) { world.node('a', bounce('b')); world.node('b', bounce('a')); world.property({ name: 'nothing', watches: [], observe: () => undefined }); },
});`);
    const trace = join(dir, 'trace.jsonl');
    const run = sim('run', file, '--seed', '1', '--trace', trace);
    expect(run.code).toBe(1);
    expect(run.out).toContain('event budget exhausted');
    expect(run.out).toContain('only its last 10,000 events (and every fault) were kept to show it; the whole trace was streamed to');
    const lines = readFileSync(trace, 'utf8').trimEnd().split('\n');
    expect(lines).toHaveLength(1_200_001); // every event handled (1,200,000), then the end
    expect(JSON.parse(lines.at(-1)!)).toEqual({ t: 0, kind: 'end', reason: 'budget' });
    rmSync(dir, { recursive: true, force: true });
  });
});
