import type { RunResult } from '../kernel/index.js';
import { runChunk } from './chunk.js';
import { inlineRunner, type LocatedScenario, type SeedRunner } from './pool.js';

export interface SearchPlan {
  from: number;
  /** Last seed (inclusive); without it, the search goes on until the deadline. */
  to?: number;
  /** Wall-clock budget in milliseconds: no new chunk starts once it is spent. */
  budgetMs?: number;
  swarm?: boolean;
  onProgress?(progress: SearchProgress): void;
}

export interface SearchProgress {
  done: number;
  /** Seeds planned, when the search has a last seed. */
  total: number | undefined;
  failures: number;
  elapsedMs: number;
}

export interface SearchOutcome {
  /** Every seed from `from` to the last one run, in seed order, with no gap. */
  results: RunResult[];
  /** Whether the wall-clock budget ended the search before its last seed. */
  outOfTime: boolean;
  elapsedMs: number;
}

/**
 * Runs seeds in chunks on the runner and returns them in seed order, so the
 * verdict and the lowest failing seed are the same whatever the number of jobs.
 * With a time budget, chunks stop being handed out when it is spent and those
 * already out are finished: the seeds run are still one unbroken range.
 */
export async function searchSeeds(pool: SeedRunner, located: LocatedScenario, plan: SearchPlan): Promise<SearchOutcome> {
  const started = performance.now(); // real time ok: the --time budget of a search, never inside a simulation
  const elapsed = () => performance.now() - started; // real time ok
  const last = plan.to ?? Number.MAX_SAFE_INTEGER;
  const size = chunkSize(plan.to === undefined ? undefined : plan.to - plan.from + 1, pool.jobs);
  const chunks: RunResult[][] = [];
  let next = plan.from;
  let done = 0;
  let failures = 0;
  let outOfTime = false;
  const timeUp = () => plan.budgetMs !== undefined && elapsed() >= plan.budgetMs;
  const finished = (index: number, results: RunResult[]) => {
    chunks[index] = results;
    done += results.length;
    failures += results.filter((r) => r.outcome !== 'ok').length;
    plan.onProgress?.({ done, total: plan.to === undefined ? undefined : plan.to - plan.from + 1, failures, elapsedMs: elapsed() });
  };
  let runner = pool;
  if (!pool.started && pool.jobs > 1) {
    // Starting threads costs about WORKER_START_MS: run the first chunk here, and
    // start them only if the rest of the search would take long enough to repay it.
    const to = Math.min(last, next + size - 1);
    finished(0, runChunk(located.scenario, { from: next, to, swarm: plan.swarm ?? false }));
    next = to + 1;
    const left = plan.to === undefined ? (plan.budgetMs ?? 0) - elapsed() : ((last - to) * elapsed()) / done;
    if (left < WORKER_START_MS * 2) runner = inlineRunner;
  }
  const running = new Set<Promise<unknown>>();
  // A chunk whose run threw (a bug in the model): no new chunks start, those out finish,
  // and the throw of the lowest chunk is reported, so the seed named does not depend on --jobs.
  const thrown: unknown[] = [];
  // Two chunks per job, so a worker never waits for the main thread to hand it the next.
  while (next <= last || running.size > 0) {
    while (next <= last && running.size < runner.jobs * 2 && thrown.length === 0 && !(outOfTime ||= timeUp())) {
      const index = chunks.length;
      const to = Math.min(last, next + size - 1);
      chunks.push([]);
      const task = runner.run(located, { from: next, to, swarm: plan.swarm ?? false }).then(
        (results) => finished(index, results),
        (error: unknown) => void (thrown[index] = error),
      );
      const tracked: Promise<unknown> = task.finally(() => running.delete(tracked));
      running.add(tracked);
      next = to + 1;
    }
    if (running.size === 0) break;
    await Promise.race(running);
  }
  const firstThrow = thrown.findIndex((error) => error !== undefined);
  if (firstThrow >= 0) throw thrown[firstThrow];
  return { results: chunks.flat(), outOfTime: outOfTime && next <= last, elapsedMs: elapsed() };
}

/** About what starting worker threads costs (each compiles the scenario and kernel with tsx). */
const WORKER_START_MS = 500;

/** Small enough for progress, time checks and balance; large enough that messages cost nothing. */
function chunkSize(total: number | undefined, jobs: number): number {
  if (total === undefined) return 8;
  return Math.max(1, Math.min(64, Math.ceil(total / (jobs * 16))));
}
