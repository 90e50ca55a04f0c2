import { resolve } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import type { RunResult } from '../../src/kernel/index.js';
import { seedRunner, type SeedRunner } from '../../src/search/pool.js';
import { searchSeeds, type SearchPlan } from '../../src/search/search.js';
import { seedsToViolation } from '../../src/search/seeds-to-violation.js';
import gcPauseNoFencing from '../../scenarios/gc-pause-no-fencing.js';
import throwsSometimes from '../fixtures/throws-sometimes.js';
import { ModelError } from '../../src/kernel/index.js';

const located = { file: resolve('scenarios/gc-pause-no-fencing.ts'), scenario: gcPauseNoFencing };
const inThisThread = seedRunner(1);
const onTwoWorkers = seedRunner(2);
afterAll(() => onTwoWorkers.close());

const essentials = (results: RunResult[]) =>
  [...results].sort((a, b) => a.seed - b.seed).map(({ seed, outcome, violation, stats }) => ({ seed, outcome, violation, stats }));

/** A search, with every run it made (they arrive as chunks finish, in no set order). */
async function search(runner: SeedRunner, plan: SearchPlan) {
  const results: RunResult[] = [];
  const outcome = await searchSeeds(runner, located, { ...plan, onResult: (r) => results.push(r) });
  return { ...outcome, results: essentials(results) };
}

describe('parallel seed search', () => {
  test('stopping at the expected violation tallies exactly the seeds up to it, with 1 job and with 2 worker threads', async () => {
    await onTwoWorkers.run(located, { from: 1, to: 1, swarm: false });
    const plan = { from: 3, to: 400, stopAtExpected: true };
    const one = await search(inThisThread, plan);
    const two = await search(onTwoWorkers, plan);
    const first = one.tally.verdict().shown!.seed;
    expect(one.results.map((r) => r.seed)).toEqual(Array.from({ length: first - 2 }, (_, i) => i + 3));
    expect(two.results).toEqual(one.results);
    expect([one.lastSeed, two.lastSeed]).toEqual([first, first]);
    expect(two.tally.verdict().summary).toBe(one.tally.verdict().summary);
    expect(one.tally.verdict().summary).toBe(`1 of ${first - 2} seeds violate no-double-write; first: seed ${first}`);
  });

  test('gives the same runs, verdict and lowest failing seed with 1 job and with 2 worker threads', async () => {
    // Start the workers first, so the search really uses them rather than running a short search here.
    await onTwoWorkers.run(located, { from: 1, to: 1, swarm: false });
    const plan = { from: 7, to: 66 };
    const one = await search(inThisThread, plan);
    const two = await search(onTwoWorkers, plan);
    expect(two.results.map((r) => r.seed)).toEqual(Array.from({ length: 60 }, (_, i) => i + 7));
    expect(two.results).toEqual(one.results);
    const [v1, v2] = [one.tally.verdict(), two.tally.verdict()];
    expect(v2.summary).toBe(v1.summary);
    expect(v2.shown?.seed).toBe(v1.shown?.seed);
    expect(v2.violations.map((r) => r.seed)).toEqual(v1.violations.map((r) => r.seed));
  });

  test('with swarm on, too', async () => {
    const plan = { from: 1, to: 40, swarm: true };
    const one = await search(inThisThread, plan);
    const two = await search(onTwoWorkers, plan);
    expect(two.results).toEqual(one.results);
  });

  test('a time budget stops handing out seeds but still returns an unbroken range from the first seed', async () => {
    const timed = await search(onTwoWorkers, { from: 1, budgetMs: 300 });
    expect(timed.outOfTime).toBe(true);
    expect(timed.results.length).toBeGreaterThan(0);
    expect(timed.results.map((r) => r.seed)).toEqual(Array.from({ length: timed.results.length }, (_, i) => i + 1));
    expect(timed.lastSeed).toBe(timed.results.length);
    expect(timed.tally.runs).toBe(timed.results.length);
  });

  test('an aborted search (Ctrl-C) stops at once and keeps the lowest failing seed found so far', async () => {
    const controller = new AbortController();
    let seen = 0;
    const stopped = await search(onTwoWorkers, {
      from: 1, to: 100_000, signal: controller.signal,
      onProgress: (p) => {
        seen = p.done;
        if (p.failures > 0) controller.abort();
      },
    });
    expect(stopped.interrupted).toBe(true);
    expect(stopped.tally.runs).toBe(seen);
    expect(stopped.tally.runs).toBeLessThan(1_000);
    expect(stopped.tally.verdict().shown?.seed).toBe(stopped.results.find((r) => r.outcome !== 'ok')?.seed);
  });

  test('a model that throws is reported at its lowest throwing seed, whatever the number of jobs', async () => {
    const buggy = { file: resolve('test/fixtures/throws-sometimes.ts'), scenario: throwsSometimes };
    const thrownAt = async (runner: typeof inThisThread) => {
      const error = await searchSeeds(runner, buggy, { from: 1, to: 400 }).then(() => undefined, (e: unknown) => e);
      expect(error).toBeInstanceOf(ModelError);
      return (error as ModelError).seed;
    };
    const seed = await thrownAt(inThisThread);
    expect(await thrownAt(onTwoWorkers)).toBe(seed);
    expect(seed).toBeGreaterThan(1);
  });

  test('reports progress as chunks finish', async () => {
    const seen: number[] = [];
    await searchSeeds(inThisThread, located, { from: 1, to: 30, onProgress: (p) => seen.push(p.done) });
    expect(seen.at(-1)).toBe(30);
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
  });

  test('seeds to first violation: counted per range, the same on workers as here', async () => {
    const plan = { property: 'no-double-write', ranges: 5, cap: 50 };
    const here = await seedsToViolation(inThisThread, located, plan);
    const there = await seedsToViolation(onTwoWorkers, located, plan);
    expect(there).toEqual(here);
    expect(here.found).toBe(5);
    expect(here.counts.every((c) => c !== undefined && c >= 1 && c <= 50)).toBe(true);
  });
});
