import { formatTime, type Fact, type KernelFact, type Micros, type Property, type RunEnd } from '../../kernel/index.js';
import type { CollabFact } from './facts.js';

type F = Fact<CollabFact | KernelFact>;

/** What one replica really holds, from its facts. */
interface Held {
  text: string;
  ids: string[];
  applied: Set<string>;
}

/**
 * The replicas' contents as their facts report them, and every operation any of
 * them applied. Quiescent: every replica has applied every operation there is (all
 * delivered, whatever the faults are doing): the moment convergence is judged.
 */
export class Replicas {
  readonly held = new Map<string, Held>();
  readonly ops = new Set<string>();
  /** Characters some replica removed on a delete. */
  readonly deleted = new Set<string>();
  lastEdit: Micros = 0;

  constructor(readonly names: readonly string[]) {
    for (const name of names) this.held.set(name, { text: '', ids: [], applied: new Set() });
  }

  /** Folds a fact in; true when it completed a quiescent point (only an applied operation can). */
  observe(fact: F): boolean {
    const replica = this.held.get(fact.node);
    if (!replica) return false;
    if (fact.kind === 'replica-restored') {
      this.held.set(fact.node, { text: fact.data.text, ids: fact.data.ids, applied: new Set(fact.data.applied) });
      return false;
    }
    if (fact.kind !== 'op-applied') return false;
    const { data } = fact;
    replica.text = data.text;
    replica.ids = data.ids;
    replica.applied.add(data.op);
    this.ops.add(data.op);
    if (data.local) this.lastEdit = fact.t;
    if (data.kind === 'del') this.deleted.add(data.char);
    return this.quiescent();
  }

  quiescent(): boolean {
    for (const replica of this.held.values()) if (replica.applied.size < this.ops.size) return false;
    return true;
  }

  /** The replicas lacking operations, and how many each lacks. */
  lagging(): string {
    return [...this.held].filter(([, r]) => r.applied.size < this.ops.size).map(([name, r]) => `${name} lacks ${this.ops.size - r.applied.size}`).join(', ');
  }

  /** Whether a run ended long enough after its last edit and last fault for delivery to have finished. */
  settled(end: RunEnd, settle: Micros): boolean {
    return end.t - Math.max(end.faultsOverAt, this.lastEdit) >= settle;
  }
}

export interface ConvergenceOptions {
  replicas: readonly string[];
  /** Time after the last edit and the last fault by which every operation must have reached every replica. */
  settle: Micros;
}

const WATCHED = ['op-applied', 'replica-restored'] as const;
const quote = (text: string) => JSON.stringify(text.length <= 40 ? text : `${text.slice(0, 39)}…`);

/**
 * Convergence: at every quiescent point (every replica has applied every
 * operation), every replica holds the same text; and a run that ends `settle` after
 * its last edit and its last fault must have reached one (delivery is eventual:
 * retransmission beats loss, partitions heal).
 */
export function convergence(options: ConvergenceOptions): Property<CollabFact | KernelFact> {
  const replicas = new Replicas(options.replicas);
  const judge = (t: Micros) => {
    const [first, ...rest] = [...replicas.held];
    const other = rest.find(([, r]) => r.text !== first![1].text);
    if (!other) return undefined;
    return {
      message: `all ${replicas.ops.size} operations reached every replica at ${formatTime(t)}, but ${first![0]} holds ${quote(first![1].text)} and ${other[0]} holds ${quote(other[1].text)}`,
      nodes: [first![0], other[0]],
    };
  };
  return {
    name: 'convergence',
    watches: WATCHED,
    observe(fact) {
      return replicas.observe(fact) ? judge(fact.t) : undefined;
    },
    finish(end) {
      if (!replicas.settled(end, options.settle)) return undefined;
      if (!replicas.quiescent()) return { message: `the run ended ${formatTime(end.t - Math.max(end.faultsOverAt, replicas.lastEdit))} after its last edit and fault, yet ${replicas.lagging()} operations: delivery never finished (is something not retransmitted?)` };
      return judge(end.t);
    },
  };
}

/**
 * Intention preservation as a checkable rule, replica by replica: an operation
 * changes the replica's characters only by the one it inserts or removes, so the
 * characters it holds keep their relative order; and a character deleted at a
 * replica never reappears there (a duplicated or late insert must not resurrect it).
 */
export function intentionPreservation(): Property<CollabFact | KernelFact> {
  const before = new Map<string, string[]>();
  const gone = new Map<string, Set<string>>();
  return {
    name: 'intention-preservation',
    watches: WATCHED,
    observe(fact) {
      if (fact.kind === 'replica-restored') {
        before.set(fact.node, fact.data.ids);
        return undefined;
      }
      if (fact.kind !== 'op-applied') return undefined;
      const { data } = fact;
      const previous = before.get(fact.node) ?? [];
      const removed = gone.get(fact.node) ?? new Set<string>();
      gone.set(fact.node, removed);
      before.set(fact.node, data.ids);
      if (data.kind === 'ins' && removed.has(data.char)) return { message: `${fact.node} deleted character ${data.char} earlier, and operation ${data.op} put it back: a deleted character must never reappear`, nodes: [fact.node] };
      const expected = data.kind === 'ins' ? previous.length + 1 : data.kind === 'del' ? previous.length - 1 : previous.length;
      const kept = data.ids.filter((id) => id !== data.char);
      const stayed = previous.filter((id) => !(data.kind === 'del' && id === data.char));
      if (data.ids.length !== expected || kept.join() !== stayed.join()) {
        return { message: `operation ${data.op} at ${fact.node} changed more than the one character it ${data.kind === 'ins' ? 'inserts' : 'removes'}: its characters went from [${previous.join(' ')}] to [${data.ids.join(' ')}]; characters must keep their relative order`, nodes: [fact.node] };
      }
      if (data.kind === 'del') removed.add(data.char);
      return undefined;
    },
  };
}

/**
 * No lost keystroke: every acknowledged insert is, at every quiescent point and at
 * the end of a settled run, in every replica's text, unless some replica removed it
 * on a delete. An acknowledgement is a promise the keystroke is safe (the server or
 * a peer stored it): a server that acknowledges before writing to disk and then
 * crashes breaks it.
 */
export function noLostKeystroke(options: ConvergenceOptions): Property<CollabFact | KernelFact> {
  const replicas = new Replicas(options.replicas);
  const acked = new Map<string, Micros>();
  const judge = () => {
    for (const [char, at] of acked) {
      if (replicas.deleted.has(char)) continue;
      const missing = [...replicas.held].find(([, r]) => !r.ids.includes(char));
      if (missing) return { message: `character ${char}, acknowledged at ${formatTime(at)} and never deleted, is not in ${missing[0]}'s text ${quote(missing[1].text)}`, nodes: [missing[0]] };
    }
    return undefined;
  };
  return {
    name: 'no-lost-keystroke',
    watches: [...WATCHED, 'op-acked'],
    observe(fact) {
      if (fact.kind === 'op-acked') {
        if (fact.data.char !== '' && !acked.has(fact.data.char)) acked.set(fact.data.char, fact.t);
        return undefined;
      }
      return replicas.observe(fact) ? judge() : undefined;
    },
    finish(end) {
      return replicas.settled(end, options.settle) ? judge() : undefined;
    },
  };
}
