import { formatTime, type KernelFact, type Property } from '../../kernel/index.js';
import type { RaftFact } from './facts.js';

/**
 * Raft's safety guarantees (the paper's Figure 3), judged on what the servers
 * really did: the facts `server.ts` reports as it becomes leader, appends,
 * commits and applies (`facts.ts`).
 */

/** Election safety: at most one leader is elected in a term. */
export function electionSafety(): Property<RaftFact> {
  const leaders = new Map<number, { node: string; t: number }>();
  return {
    name: 'election-safety',
    watches: ['became-leader'],
    observe(fact) {
      if (fact.kind !== 'became-leader') return undefined;
      const { term } = fact.data;
      const earlier = leaders.get(term);
      if (earlier && earlier.node !== fact.node) {
        return { message: `${fact.node} became leader of term ${term}, which ${earlier.node} already leads (since ${formatTime(earlier.t)})`, nodes: [earlier.node, fact.node] };
      }
      leaders.set(term, { node: fact.node, t: fact.t });
      return undefined;
    },
  };
}

/**
 * Log matching: if two logs hold an entry with the same index and term, they hold
 * the same entry there and agree on everything before it. Checked inductively on
 * every entry any server appends: an (index, term) is always the same entry, and is
 * always preceded by the same term.
 */
export function logMatching(): Property<RaftFact> {
  /** Per index, the first entry seen there for each term (usually one): numbers as keys, no key strings built per entry. */
  const seen = new Map<number, Map<number, { id: string; prevTerm: number; node: string }>>();
  return {
    name: 'log-matching',
    watches: ['log-appended'],
    observe(fact) {
      if (fact.kind !== 'log-appended') return undefined;
      const { from, terms, ids } = fact.data;
      for (let k = 0; k < terms.length; k++) {
        const index = from + k;
        const term = terms[k]!;
        const prevTerm = k === 0 ? fact.data.prevTerm : terms[k - 1]!;
        let atIndex = seen.get(index);
        if (atIndex === undefined) seen.set(index, (atIndex = new Map()));
        const first = atIndex.get(term);
        if (first === undefined) {
          atIndex.set(term, { id: ids[k]!, prevTerm, node: fact.node });
        } else if (first.id !== ids[k] || first.prevTerm !== prevTerm) {
          return {
            message:
              `${fact.node} and ${first.node} both hold an entry of term ${term} at index ${index} but ` +
              (first.id !== ids[k] ? `they are different entries (${first.id}, ${ids[k]})` : `preceded by terms ${first.prevTerm} and ${prevTerm}`),
            nodes: [first.node, fact.node],
          };
        }
      }
      return undefined;
    },
  };
}

/**
 * Leader completeness: an entry committed in a term is in the log of every leader
 * of every later term. Judged from `committed` (the committing leader: everything
 * up to `index` is committed) and `became-leader` (the term of each entry in the
 * new leader's log).
 */
export function leaderCompleteness(): Property<RaftFact> {
  const committed: Array<{ index: number; term: number; leaderTerm: number; node: string; t: number }> = [];
  return {
    name: 'leader-completeness',
    watches: ['committed', 'became-leader'],
    observe(fact) {
      if (fact.kind === 'committed') {
        const { index, term, leaderTerm } = fact.data;
        committed.push({ index, term, leaderTerm, node: fact.node, t: fact.t });
        return undefined;
      }
      if (fact.kind !== 'became-leader') return undefined;
      const { term, logTerms } = fact.data;
      const missing = committed.find((c) => c.leaderTerm < term && logTerms[c.index - 1] !== c.term);
      if (missing === undefined) return undefined;
      return {
        message:
          `${fact.node} became leader of term ${term} without the entry of term ${missing.term} at index ${missing.index}, ` +
          `which ${missing.node} committed at ${formatTime(missing.t)} (its log has ${logTerms[missing.index - 1] === undefined ? 'nothing' : `term ${logTerms[missing.index - 1]}`} there)`,
        nodes: [missing.node, fact.node],
      };
    },
  };
}

/**
 * State machine safety: no two servers apply different entries at the same index,
 * and the same entry gives the same result everywhere. The second half is what the
 * application relies on: replicas that applied the same commands must be in the same
 * state, so a result that differs means the state machine read something other than
 * the log (a local clock, say) and the replicas have diverged.
 */
export function stateMachineSafety(): Property<RaftFact> {
  // The first result is kept as applied (results are immutable, like the states they
  // come from: `StateMachine.apply`); every replica, and every replay of the log after
  // a restart, is compared with it.
  const applied = new Map<number, { id: string; result: unknown; node: string }>();
  return {
    name: 'state-machine-safety',
    watches: ['applied'],
    observe(fact) {
      if (fact.kind !== 'applied') return undefined;
      const { index, id, result } = fact.data;
      const first = applied.get(index);
      if (first === undefined) {
        applied.set(index, { id, result, node: fact.node });
        return undefined;
      }
      if (first.id !== id) {
        return { message: `${fact.node} applied entry ${id} at index ${index}, where ${first.node} applied ${first.id}`, nodes: [first.node, fact.node] };
      }
      if (!sameJson(first.result, result)) {
        return { message: `${fact.node} applied entry ${id} at index ${index} with result ${JSON.stringify(result)}, where ${first.node} got ${JSON.stringify(first.result)}`, nodes: [first.node, fact.node] };
      }
      return undefined;
    },
  };
}

/** Whether two values serialize to the same JSON: the plain-data case decided without building the strings. */
function sameJson(a: unknown, b: unknown): boolean {
  return plainEqual(a, b) || JSON.stringify(a) === JSON.stringify(b);
}

/**
 * Equal as plain data: the same primitives, or arrays and plain objects with the same
 * keys in the same order holding plain-equal values. Plain-equal values have the same
 * JSON; `false` only means "not shown equal here" (a `toJSON`, a class, NaN), left to
 * `JSON.stringify`.
 */
function plainEqual(a: unknown, b: unknown): boolean {
  if (typeof a === 'function' || typeof b === 'function') return false;
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!plainEqual(a[i], b[i])) return false;
    return true;
  }
  if (Object.getPrototypeOf(a) !== Object.prototype || Object.getPrototypeOf(b) !== Object.prototype) return false;
  const keys = Object.keys(a);
  const otherKeys = Object.keys(b);
  if (keys.length !== otherKeys.length) return false;
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    if (key !== otherKeys[i] || !plainEqual((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key])) return false;
  }
  return true;
}

/** All four, in the order a failure usually shows itself. */
export function raftSafety(): Property<RaftFact | KernelFact>[] {
  return [electionSafety(), logMatching(), leaderCompleteness(), stateMachineSafety(), appliedOnce()];
}

/**
 * Exactly-once application (the paper's §8, client interaction): a replica runs each
 * client command on its state machine at most once, however often the client retried
 * it and however many entries the retries left in the log. Judged from the apply facts,
 * not from the state: a command whose effect is idempotent (a put of the same value)
 * leaves no trace in the state when applied twice. A restart rebuilds the state machine
 * from the log, so a replica's count starts again when it restarts.
 */
export function appliedOnce(): Property<RaftFact | KernelFact> {
  const applied = new Map<string, Map<string, Map<number, { index: number; t: number }>>>(); // node → session → seq → first application
  return {
    name: 'applied-once',
    watches: ['command-applied', 'crash'],
    observe(fact) {
      if (fact.kind === 'crash') {
        applied.delete(fact.node);
        return undefined;
      }
      if (fact.kind !== 'command-applied') return undefined;
      const { index, session, seq } = fact.data;
      let mine = applied.get(fact.node);
      if (mine === undefined) applied.set(fact.node, (mine = new Map()));
      let ofSession = mine.get(session);
      if (ofSession === undefined) mine.set(session, (ofSession = new Map()));
      const first = ofSession.get(seq);
      if (first === undefined) {
        ofSession.set(seq, { index, t: fact.t });
        return undefined;
      }
      return {
        message: `${fact.node} applied command ${seq} of session ${session} again at index ${index}, having applied it at index ${first.index} at ${formatTime(first.t)}`,
        nodes: [fact.node],
      };
    },
  };
}
