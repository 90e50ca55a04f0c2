import { Tally, type RunResult } from '../kernel/index.js';
import { runChunk } from './chunk.js';
import { inlineRunner, type LocatedScenario, type SeedRunner } from './pool.js';

export interface SearchPlan {
  from: number;
  /** Last seed (inclusive); without it, the search goes on until the deadline. */
  to?: number;
  /** Wall-clock budget in milliseconds: no new chunk starts once it is spent. */
  budgetMs?: number;
  swarm?: boolean;
  /** Param values replacing the scenario's defaults, in every run. */
  params?: Record<string, number>;
  /**
   * For a known-unsafe scenario: stop at the first seed that shows its expected
   * violation (the seeds after it are not run, or not tallied if already running),
   * so a CI check costs the seeds to the bug, not the scenario's whole budget.
   */
  stopAtExpected?: boolean;
  onProgress?(progress: SearchProgress): void;
  /** Every run, as its chunk finishes (not in seed order): for tests and measurements. */
  onResult?(result: RunResult): void;
  /** Aborting stops the search at once (Ctrl-C): runs already finished are tallied, the rest dropped. */
  signal?: AbortSignal;
}

export interface SearchProgress {
  done: number;
  /** Seeds planned, when the search has a last seed. */
  total: number | undefined;
  failures: number;
  elapsedMs: number;
}

export interface SearchOutcome {
  /** The runs, folded: counts, the lowest failing seeds, facts per property. */
  tally: Tally;
  /**
   * The seeds run: `from` to `lastSeed` with no gap, unless the search was
   * interrupted (then `tally.runs` seeds of that range finished, not all).
   */
  lastSeed: number;
  /** Whether the wall-clock budget ended the search before its last seed. */
  outOfTime: boolean;
  /** Whether the search was aborted (Ctrl-C) before it finished. */
  interrupted: boolean;
  elapsedMs: number;
}

/**
 * Runs seeds in chunks on the runner and folds them into a tally that keeps the
 * lowest seeds, so the verdict and the lowest failing seed are the same whatever
 * the number of jobs, and memory stays flat however many seeds run.
 * With a time budget, chunks stop being handed out when it is spent and those
 * already out are finished: the seeds run are still one unbroken range. Chunks are
 * folded in seed order, so stopping at the expected violation tallies exactly the
 * seeds up to it, whatever the number of jobs.
 */
export async function searchSeeds(pool: SeedRunner, located: LocatedScenario, plan: SearchPlan): Promise<SearchOutcome> {
  const tally = new Tally(located.scenario);
  const started = performance.now(); // real time ok: the --time budget of a search, never inside a simulation
  const elapsed = () => performance.now() - started; // real time ok
  const last = plan.to ?? Number.MAX_SAFE_INTEGER;
  const size = chunkSize(plan.to === undefined ? undefined : plan.to - plan.from + 1, pool.jobs);
  let next = plan.from;
  let done = 0;
  let failures = 0;
  let outOfTime = false;
  const timeUp = () => plan.budgetMs !== undefined && elapsed() >= plan.budgetMs;
  const expected = plan.stopAtExpected && located.scenario.expect !== 'safe' ? located.scenario.expect.violates : undefined;
  /** The seed that showed the expected violation, once folded: nothing after it is handed out or tallied. */
  let stoppedAt: number | undefined;
  /** Finished chunks by first seed, waiting for the chunks before them. */
  const waiting = new Map<number, RunResult[]>();
  let unfolded = plan.from;
  const fold = (results: RunResult[]) => {
    for (const result of results) {
      if (stoppedAt !== undefined) return;
      tally.add(result);
      plan.onResult?.(result);
      done++;
      if (result.outcome !== 'ok') failures++;
      if (expected !== undefined && result.violation?.property === expected) stoppedAt = result.seed;
    }
  };
  /** Counts a finished chunk; `always`: even after Ctrl-C (the chunk run in this thread, whose seeds did finish). */
  const finished = (from: number, results: RunResult[], always = false) => {
    if (plan.signal?.aborted && !always) return;
    waiting.set(from, results);
    for (let ready = waiting.get(unfolded); ready !== undefined; ready = waiting.get(unfolded)) {
      waiting.delete(unfolded);
      fold(ready);
      unfolded += ready.length;
    }
    plan.onProgress?.({ done, total: plan.to === undefined ? undefined : plan.to - plan.from + 1, failures, elapsedMs: elapsed() });
  };
  let runner = pool;
  if (!pool.started && pool.jobs > 1) {
    // Starting threads costs about WORKER_START_MS: run the first chunk here, and
    // start them only if the rest of the search would take long enough to repay it.
    const to = Math.min(last, next + size - 1);
    // It runs to its end (runs of async workflows let Ctrl-C in between its seeds), and what it found counts.
    finished(next, await runChunk(located.scenario, { from: next, to, swarm: plan.swarm ?? false, params: plan.params }), true);
    next = to + 1;
    const left = plan.to === undefined ? (plan.budgetMs ?? 0) - elapsed() : ((last - to) * elapsed()) / done;
    if (left < WORKER_START_MS * 2) runner = inlineRunner;
  }
  const running = new Set<Promise<unknown>>();
  let onAbort = () => {};
  const aborted = new Promise<void>((resolve) => (onAbort = resolve));
  plan.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    // A chunk whose run threw (a bug in the model): no new chunks start, those out finish,
    // and the throw of the lowest chunk is reported, so the seed named does not depend on --jobs.
    const thrown: unknown[] = [];
    let chunkIndex = 1; // chunk 0 ran here, if threads were starting
    // Two chunks per job, so a worker never waits for the main thread to hand it the next.
    while (next <= last || running.size > 0) {
      if (plan.signal?.aborted) break;
      while (next <= last && stoppedAt === undefined && running.size < runner.jobs * 2 && thrown.length === 0 && !(outOfTime ||= timeUp())) {
        const index = chunkIndex++;
        const from = next;
        const to = Math.min(last, next + size - 1);
        const task = runner.run(located, { from, to, swarm: plan.swarm ?? false, params: plan.params }).then(
          (results) => finished(from, results),
          (error: unknown) => void (thrown[index] = error),
        );
        const tracked: Promise<unknown> = task.finally(() => running.delete(tracked));
        running.add(tracked);
        next = to + 1;
      }
      if (running.size === 0) break;
      await Promise.race([...running, aborted]);
      // Chunks run in this thread finish without ever leaving it: let the event loop
      // take its turn between them, or Ctrl-C would wait for the whole search.
      await new Promise((resolve) => setImmediate(resolve)); // allowed: the search's own loop, outside any simulation
    }
    const interrupted = plan.signal?.aborted === true;
    const firstThrow = thrown.findIndex((error) => error !== undefined);
    if (firstThrow >= 0 && !interrupted) throw thrown[firstThrow];
    return { tally, lastSeed: stoppedAt ?? next - 1, outOfTime: outOfTime && next <= last && stoppedAt === undefined, interrupted, elapsedMs: elapsed() };
  } finally {
    // One signal serves every scenario of a `sim check`: leave no listener behind on it.
    plan.signal?.removeEventListener('abort', onAbort);
  }
}

/** About what starting worker threads costs (each compiles the scenario and kernel with tsx). */
const WORKER_START_MS = 500;

/** Small enough for progress, time checks and balance; large enough that messages cost nothing. */
function chunkSize(total: number | undefined, jobs: number): number {
  if (total === undefined) return 8;
  return Math.max(1, Math.min(64, Math.ceil(total / (jobs * 16))));
}
