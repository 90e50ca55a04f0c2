import { factEmitter, formatTime, type Fact, type FactData, type KernelFact, type NodeContext, type Property } from '../../kernel/index.js';
import { pairOperations, type EventType, type HistoryEvent } from './history.js';
import type { Model } from './models.js';
import { describeCounterexample } from './report.js';
import { checkLinearizability, type LinearizabilityOptions } from './search.js';

/**
 * What a client saw of one operation, as facts: its invocation (with its key and
 * argument, if any), and how it ended: `ok` (with its result, if any), `fail` (it
 * certainly did not happen) or `info` (unknown). `process` is who invoked it.
 */
export type OpFact =
  | { kind: 'op-invoke'; data: { process: string; f: string; key?: string; value?: unknown } }
  | { kind: 'op-ok'; data: { process: string; f: string; value?: unknown } }
  | { kind: 'op-fail'; data: { process: string; f: string } }
  | { kind: 'op-info'; data: { process: string; f: string } };

const opFact = factEmitter<OpFact>();

const EVENT_TYPES: Readonly<Record<OpFact['kind'], EventType>> = { 'op-invoke': 'invoke', 'op-ok': 'ok', 'op-fail': 'fail', 'op-info': 'info' };

/**
 * What a client saw, recorded as facts (the kernel stamps them with true time):
 *
 *   const history = new ClientHistory(ctx);
 *   history.invoke('put', { key, value });
 *   const r = yield* call(server, { op: 'put', key, value }, timeout);
 *   if (r.ok) history.ok(); else history.info();   // a timeout: it may or may not have happened
 *
 * One operation at a time per process; the process defaults to the node's id.
 */
export class ClientHistory {
  private f = '';

  constructor(
    private readonly ctx: NodeContext,
    readonly process: string = ctx.id,
  ) {}

  invoke(f: string, args: { key?: string; value?: unknown } = {}): void {
    this.f = f;
    const data: FactData<OpFact, 'op-invoke'> = { process: this.process, f };
    if (args.key !== undefined) data.key = args.key;
    if (args.value !== undefined) data.value = args.value;
    opFact(this.ctx, 'op-invoke', data);
  }

  /** It took effect; `value` is the result (a read's value, null for none). */
  ok(value?: unknown): void {
    opFact(this.ctx, 'op-ok', value === undefined ? { process: this.process, f: this.f } : { process: this.process, f: this.f, value });
  }

  /** It certainly did not take effect (refused, or the server said it did nothing). */
  fail(): void {
    opFact(this.ctx, 'op-fail', { process: this.process, f: this.f });
  }

  /** Unknown outcome: a timeout or a lost reply. */
  info(): void {
    opFact(this.ctx, 'op-info', { process: this.process, f: this.f });
  }
}

function isOpFact(fact: Fact<OpFact | KernelFact>): fact is Fact<OpFact> {
  return Object.hasOwn(EVENT_TYPES, fact.kind);
}

/**
 * The history the `op-*` facts describe, in true time. A crash of a client's node
 * ends its pending operation with an unknown outcome (the request may be in flight).
 */
export function historyFromFacts(facts: Iterable<Fact<OpFact | KernelFact>>): HistoryEvent[] {
  const events: HistoryEvent[] = [];
  const pending = new Map<string, { node: string; f: string }>();
  for (const fact of facts) {
    if (fact.kind === 'crash') {
      for (const [process, open] of pending) {
        if (open.node !== fact.node) continue;
        events.push({ process, type: 'info', f: open.f, time: fact.t });
        pending.delete(process);
      }
      continue;
    }
    if (!isOpFact(fact)) continue;
    const type = EVENT_TYPES[fact.kind];
    const { process, f } = fact.data;
    const event: HistoryEvent = { process, type, f, time: fact.t };
    if ('key' in fact.data && fact.data.key !== undefined) event.key = fact.data.key;
    if ('value' in fact.data && fact.data.value !== undefined) event.value = fact.data.value;
    events.push(event);
    if (type === 'invoke') pending.set(process, { node: fact.node, f });
    else pending.delete(process);
  }
  return events;
}

/**
 * The recorded client history is linearizable with respect to `model`: judged at
 * the end of the run, where operations still pending count as unknown outcome.
 */
export function linearizable(model: Model, options: LinearizabilityOptions = {}): Property<OpFact | KernelFact> {
  const facts: Array<Fact<OpFact | KernelFact>> = [];
  const nodeOf = new Map<string, string>();
  return {
    name: 'linearizable',
    watches: ['op-invoke', 'op-ok', 'op-fail', 'op-info', 'crash'],
    observe(fact) {
      facts.push(fact);
      if (fact.kind === 'op-invoke') nodeOf.set(fact.data.process, fact.node);
      return undefined;
    },
    finish() {
      const operations = pairOperations(historyFromFacts(facts), (event) => model.validate(event));
      const result = checkLinearizability(model, operations, options);
      if (result.verdict === 'linearizable') return undefined;
      if (result.verdict === 'undecided') {
        return { message: `the ${model.name} history of ${result.operations} operations is too hard to decide within ${result.steps} search steps` };
      }
      const c = result.counterexample;
      const processes = [...new Set([c.stuck, ...c.pending, ...c.recent].map((op) => op.process))];
      return {
        message: describeCounterexample(c, formatTime).join('\n'),
        nodes: [...new Set(processes.map((p) => nodeOf.get(p) ?? p))],
        at: c.stuck.ret,
      };
    },
  };
}
