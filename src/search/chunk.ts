import { ConfigError, ModelError, ScenarioBuildError, runScenarioAsync, type RunResult, type Scenario } from '../kernel/index.js';

/** A run of consecutive seeds, handed to one worker (or run in this thread). */
export interface ChunkRequest {
  id: number;
  /** Absolute path of the scenario file: a worker imports it itself. */
  file: string;
  from: number;
  to: number;
  swarm: boolean;
  /** Param values replacing the scenario's defaults (`sim run --param`). */
  params?: Record<string, number>;
  /** Stop at the first seed that violates this property (seeds-to-violation measurements). */
  stopAt?: string;
}

/** What a worker sends back when a run throws: errors do not cross threads as they are. */
export interface WorkerFailure {
  kind: 'model' | 'build' | 'config' | 'other';
  message: string;
  t?: number;
  seed?: number;
  stack?: string;
}

export type ChunkReply = { id: number; results: RunResult[] } | { id: number; failure: WorkerFailure };

export async function runChunk(scenario: Scenario, request: Omit<ChunkRequest, 'id' | 'file'>): Promise<RunResult[]> {
  const results: RunResult[] = [];
  for (let seed = request.from; seed <= request.to; seed++) {
    const result = await runScenarioAsync(scenario, seed, { swarm: request.swarm, params: request.params });
    results.push(result);
    if (request.stopAt !== undefined && result.violation?.property === request.stopAt) break;
  }
  return results;
}

/** The error the worker's run threw, rebuilt in this thread so the CLI reports it as usual. */
export function rebuildError(failure: WorkerFailure): Error {
  if (failure.kind === 'config') return new ConfigError(failure.message);
  const cause = new Error(failure.message);
  if (failure.stack) cause.stack = failure.stack;
  if (failure.kind === 'other') return cause;
  if (failure.kind === 'build') return new ScenarioBuildError(failure.seed ?? 0, new Error(failure.message.replace(/^.*?\(not for every seed\): /, '')));
  const error = new ModelError(failure.t ?? 0, cause);
  error.seed = failure.seed;
  return error;
}
