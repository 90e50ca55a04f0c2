import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { RunResult, Scenario } from '../kernel/index.js';
import { compiled } from './typescript.js';
import { rebuildError, runChunk, type ChunkReply, type ChunkRequest } from './chunk.js';

/** Runs chunks of seeds: in this thread (`--jobs 1`) or on worker threads. */
export interface SeedRunner {
  /** How many chunks it runs at once. */
  readonly jobs: number;
  /** Whether its threads are already up (starting them costs about half a second). */
  readonly started: boolean;
  run(scenario: LocatedScenario, chunk: Omit<ChunkRequest, 'id' | 'file'>): Promise<RunResult[]>;
  close(): Promise<void>;
}

/** A scenario together with the file it came from: workers import the file themselves. */
export interface LocatedScenario {
  file: string;
  scenario: Scenario;
}

export const defaultJobs = (): number => availableParallelism();

export function seedRunner(jobs: number): SeedRunner {
  return jobs <= 1 ? inlineRunner : new WorkerPool(jobs);
}

export const inlineRunner: SeedRunner = {
  jobs: 1,
  started: true,
  run: async ({ scenario }, chunk) => runChunk(scenario, chunk),
  close: async () => {},
};

interface Pending {
  resolve(results: RunResult[]): void;
  reject(error: Error): void;
}

/**
 * A fixed set of worker threads, started on first use and kept for every
 * scenario of a command (a worker imports each scenario file once). Each
 * worker runs one chunk at a time; chunks wait here for a free worker.
 */
class WorkerPool implements SeedRunner {
  private workers: Worker[] | undefined;
  private readonly idle: Worker[] = [];
  private readonly waiting: Array<{ request: ChunkRequest; pending: Pending }> = [];
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private broken: Error | undefined;

  constructor(readonly jobs: number) {}

  get started(): boolean {
    return this.workers !== undefined;
  }

  run(located: LocatedScenario, chunk: Omit<ChunkRequest, 'id' | 'file'>): Promise<RunResult[]> {
    if (this.broken) return Promise.reject(this.broken);
    this.start();
    const request: ChunkRequest = { ...chunk, id: this.nextId++, file: located.file };
    return new Promise((resolve, reject) => {
      this.waiting.push({ request, pending: { resolve, reject } });
      this.dispatch();
    });
  }

  async close(): Promise<void> {
    const workers = this.workers ?? [];
    this.workers = undefined;
    await Promise.all(workers.map((w) => w.terminate()));
  }

  private start(): void {
    if (this.workers) return;
    this.workers = [];
    for (let i = 0; i < this.jobs; i++) {
      // Compiled, the worker is plain JavaScript; from the sources it first registers tsx.
      const worker = new Worker(new URL(compiled ? './worker.js' : './worker-entry.js', import.meta.url));
      worker.on('message', (reply: ChunkReply) => this.answered(worker, reply));
      worker.on('error', (error) => this.fail(error));
      this.workers.push(worker);
      this.idle.push(worker);
    }
  }

  private dispatch(): void {
    while (this.idle.length > 0 && this.waiting.length > 0) {
      const { request, pending } = this.waiting.shift()!;
      this.pending.set(request.id, pending);
      this.idle.pop()!.postMessage(request);
    }
  }

  private answered(worker: Worker, reply: ChunkReply): void {
    const pending = this.pending.get(reply.id)!;
    this.pending.delete(reply.id);
    this.idle.push(worker);
    if ('failure' in reply) pending.reject(rebuildError(reply.failure));
    else pending.resolve(reply.results);
    this.dispatch();
  }

  /** A worker died (it could not start, or ran out of memory): nothing it had can finish. */
  private fail(error: Error): void {
    this.broken = error;
    for (const pending of [...this.pending.values(), ...this.waiting.map((w) => w.pending)]) pending.reject(error);
    this.pending.clear();
    this.waiting.length = 0;
  }
}
