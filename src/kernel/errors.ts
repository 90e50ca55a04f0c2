import type { Micros } from './time.js';

/** A model or scenario is configured wrongly: the CLI prints the message, not a stack. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** A model threw while handling an event: a bug in the model, reported with its true time. */
export class ModelError extends Error {
  override name = 'ModelError';
  /** Set by whoever knows it, so the report can say how to reproduce the throw. */
  seed: number | undefined;
  constructor(
    readonly t: Micros,
    readonly error: unknown,
  ) {
    super(error instanceof Error ? error.message : String(error), { cause: error });
  }
}
