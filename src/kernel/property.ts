import type { Fault } from './fault.js';
import type { NodeContext } from './node.js';
import type { Micros } from './time.js';

/**
 * The kind of a fact and the data it carries. Each design lists its facts in its
 * `facts.ts` as a union of these, so a typo in a fact's name or field is a
 * compile error in the model that emits it and in the property that judges it.
 */
export interface FactShape {
  kind: string;
  data: object;
}

/** Any fact, its data unknown: for code that handles every kind alike (traces, summaries, recorders). */
export interface UntypedFact {
  kind: string;
  data: Record<string, unknown>;
}

/**
 * Something that really happened, stamped with true time by the kernel: storage
 * accepted a write, a card was charged, a client entered its critical section, a
 * node crashed. Properties judge facts, never what a node believes.
 */
export type Fact<F extends FactShape = UntypedFact> = F & {
  t: Micros;
  node: string;
};

/**
 * The facts the kernel itself reports: `crash`, `restart`, `pause` and `resume`
 * (node: the node), and `fault` and `recover` (node: '') when a scheduled fault
 * starts and when its effect ends, so a property can know, for instance, which side
 * of a partition a node was on at the true time of a fact.
 */
export type KernelFact =
  | { kind: 'crash'; data: Record<string, never> }
  | { kind: 'restart'; data: Record<string, never> }
  | { kind: 'pause'; data: { until: Micros } }
  | { kind: 'resume'; data: Record<string, never> }
  | { kind: 'fault'; data: { fault: Fault } }
  | { kind: 'recover'; data: { fault: Fault } };

/** The data of the fact of kind `K` in the union `F`. */
export type FactData<F extends FactShape, K extends F['kind']> = Extract<F, { kind: K }>['data'];

/**
 * A design's typed view of `ctx.fact`, made once per design:
 * `export const lockFact = factEmitter<LockFact>();` then `lockFact(ctx, 'cs-enter', { resource })`.
 */
export function factEmitter<F extends FactShape>() {
  return <K extends F['kind']>(ctx: NodeContext, kind: K, data: FactData<F, K>): void => ctx.fact(kind, data as Record<string, unknown>);
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
 * A safety property sees the facts it watches as they happen and may report a
 * breach, which stops the run at that moment. A liveness property judges at the
 * end of the run. Create a fresh property for each run: they keep state.
 *
 * `watches` lists the fact kinds the property judges: the kernel hands it only
 * those, and counts them, so a property that was handed none over a whole
 * `sim check` (renamed facts, a model that no longer emits them) is reported
 * instead of passing silently. A property without `watches` is handed every fact.
 */
export interface Property<F extends FactShape = UntypedFact> {
  readonly name: string;
  readonly watches?: readonly F['kind'][];
  observe?(fact: Fact<F>): Breach | undefined;
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
