import type { Micros } from './time.js';

/**
 * Something that really happened, stamped with true time by the kernel: storage
 * accepted a write, a card was charged, a client entered its critical section, a
 * node crashed. Properties judge facts, never what a node believes.
 *
 * Besides the models' facts, the kernel reports `crash`, `restart`, `pause` and
 * `resume` (node: the node), and `fault` and `recover` with `{ fault }` (node: '')
 * when a scheduled fault starts and when its effect ends, so a property can know,
 * for instance, which side of a partition a node was on at the true time of a fact.
 */
export interface Fact {
  t: Micros;
  node: string;
  kind: string;
  data: Record<string, unknown>;
}

/** What a property reports when the history breaks it. */
export interface Breach {
  message: string;
  /** The nodes involved, for the report and the trace tail. */
  nodes?: string[];
  /**
   * When the history really went wrong, if that is earlier than the breach is
   * reported (a property judged at the end of the run): the trace tail ends there.
   */
  at?: Micros;
}

export interface RunEnd {
  /** True time the run ended at. */
  t: Micros;
  /** True time the last fault was over (0 if there were none): liveness is judged after it. */
  faultsOverAt: Micros;
}

/**
 * A safety property sees every fact as it happens and may report a breach, which
 * stops the run at that moment. A liveness property judges at the end of the run.
 * Create a fresh property for each run: they keep state.
 */
export interface Property {
  readonly name: string;
  observe?(fact: Fact): Breach | undefined;
  finish?(end: RunEnd): Breach | undefined;
}

export interface Violation {
  property: string;
  message: string;
  t: Micros;
  nodes: string[];
  /** See `Breach.at`. */
  at?: Micros;
}
