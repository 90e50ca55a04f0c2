import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { leaseLockSystem } from '../../src/designs/lease-lock/system.js';
import { ms, seconds } from '../../src/kernel/index.js';
import { checkSeeds, simTest, type SimTestOptions } from '../../src/testing/vitest.js';
import gcPauseNoFencing from '../../scenarios/gc-pause-no-fencing.js';

/**
 * simTest as a user writes it: a scenario's seeds as one test. The passing forms are
 * simTests themselves; the failing one runs what a simTest runs (`checkSeeds`) and
 * reads the report the test would fail with.
 */
describe('simTest', () => {
  simTest('a safe scenario file passes over its seeds', { scenario: 'scenarios/gc-pause-fencing.ts', seeds: 3 });
  simTest('a known-unsafe scenario passes when its seeds find the violation it expects', { scenario: gcPauseNoFencing, seeds: [1, 3] });

  test('fails a system written in the test (expected safe) with the seed, the shrunk faults and the commands that reproduce it', async () => {
    const unfenced: SimTestOptions = {
      ...leaseLockSystem({ fencing: false }),
      duration: seconds(20),
      faultMix: { count: [3, 3], window: [seconds(1), seconds(15)], weights: { pause: 1, crash: 1 }, nodes: ['client-1', 'client-2', 'client-3'], duration: [ms(500), seconds(6)] },
      seeds: 5,
    };
    const failure = await checkSeeds('the lease lock never writes twice', unfenced).then(() => undefined, (error: Error) => error.message);
    expect(failure).toMatch(/^seeds 1\.\.5: expected safe, but /);
    expect(failure).toMatch(/\nseed (\d+): no-double-write violated at \d+\.\d{6}s: /);
    expect(failure).toMatch(/\nShrunk in \d+ replays to [123] of 3 faults(, with clients = \d)?:\n( {2}\d+\.\d{6}s {2}(pause|crash) client-\d.*\n)+/);
    const seed = /\nseed (\d+):/.exec(failure!)![1];
    expect(failure).toContain(`\nReproduce:\n  SIM_SEED=${seed} npx vitest run test/testing/vitest.test.ts -t "the lease lock never writes twice"`);
  });

  test('names the sim run command too when the scenario is a file, and says when a run hangs', async () => {
    // test/fixtures/livelock.ts with a budget of 10,000 events instead of 20,000,000.
    const folder = mkdtempSync(join('test', '.tmp-simtest-'));
    try {
      const file = join(folder, 'livelock.ts');
      writeFileSync(file, readFileSync('test/fixtures/livelock.ts', 'utf8').replace('seeds: 1,', 'seeds: 1,\n  maxEvents: 10_000,'));
      const failure = await checkSeeds('the livelock', { scenario: file }).then(() => undefined, (error: Error) => error.message);
      expect(failure).toMatch(/\nseed 1: ran out of its event budget \(a hang or a livelock\)\nIts 0 faults:\nReproduce:\n {2}SIM_SEED=1 npx vitest run .*\n {2}npx sim run test\/\.tmp-simtest-\w+\/livelock\.ts --seed 1$/);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  test('SIM_SEED runs the one seed a failure names', async () => {
    process.env.SIM_SEED = '1';
    try {
      const failure = await checkSeeds('one seed', { ...leaseLockSystem({ fencing: false }), faults: () => [{ at: seconds(2), kind: 'pause', node: 'client-1', duration: seconds(5) }], seeds: [50, 150] }).catch((error: Error) => error.message);
      expect(failure).toMatch(/^seeds 1\.\.1: expected safe, but seed 1 violates no-double-write/);
    } finally {
      delete process.env.SIM_SEED;
    }
  });
});
