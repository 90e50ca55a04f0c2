/**
 * A search worker: imports scenario files (once each) and runs the chunks of
 * seeds the main thread hands it, answering with their results in seed order.
 */
import { parentPort } from 'node:worker_threads';
import { ConfigError, ModelError, ScenarioBuildError, type Scenario } from '../kernel/index.js';
import { runChunk, type ChunkRequest, type ChunkReply, type WorkerFailure } from './chunk.js';
import { ScenarioFileError, loadScenario } from './scenario-file.js';

const scenarios = new Map<string, Promise<Scenario>>();

function scenarioAt(file: string): Promise<Scenario> {
  let loading = scenarios.get(file);
  if (loading === undefined) {
    loading = loadScenario(file).then((loaded) => loaded.scenario);
    scenarios.set(file, loading);
  }
  return loading;
}

parentPort!.on('message', async (request: ChunkRequest) => {
  let reply: ChunkReply;
  try {
    reply = { id: request.id, results: await runChunk(await scenarioAt(request.file), request) };
  } catch (error) {
    reply = { id: request.id, failure: describeFailure(error) };
  }
  parentPort!.postMessage(reply);
});

function describeFailure(error: unknown): WorkerFailure {
  if (error instanceof ScenarioBuildError) return { kind: 'build', message: error.message, seed: error.seed };
  if (error instanceof ModelError) {
    const cause = error.error instanceof Error ? error.error.stack : undefined;
    return { kind: 'model', message: error.message, t: error.t, seed: error.seed, stack: cause };
  }
  if (error instanceof ConfigError || error instanceof ScenarioFileError) return { kind: 'config', message: error.message };
  return { kind: 'other', message: error instanceof Error ? error.message : String(error), stack: error instanceof Error ? error.stack : undefined };
}
