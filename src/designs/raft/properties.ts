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
  const seen = new Map<string, { id: string; prevTerm: number; node: string }>();
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
        const key = `${index}/${term}`;
        const first = seen.get(key);
        if (first === undefined) {
          seen.set(key, { id: ids[k]!, prevTerm, node: fact.node });
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
        committed.push({ ...fact.data, node: fact.node, t: fact.t });
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
  const applied = new Map<number, { id: string; result: string; node: string }>();
  return {
    name: 'state-machine-safety',
    watches: ['applied'],
    observe(fact) {
      if (fact.kind !== 'applied') return undefined;
      const { index, id } = fact.data;
      const result = JSON.stringify(fact.data.result);
      const first = applied.get(index);
      if (first === undefined) {
        applied.set(index, { id, result, node: fact.node });
        return undefined;
      }
      if (first.id !== id) {
        return { message: `${fact.node} applied entry ${id} at index ${index}, where ${first.node} applied ${first.id}`, nodes: [first.node, fact.node] };
      }
      if (first.result !== result) {
        return { message: `${fact.node} applied entry ${id} at index ${index} with result ${result}, where ${first.node} got ${first.result}`, nodes: [first.node, fact.node] };
      }
      return undefined;
    },
  };
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
  const applied = new Map<string, Map<string, { index: number; t: number }>>(); // node → session + seq → first application
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
      const mine = applied.get(fact.node) ?? new Map<string, { index: number; t: number }>();
      applied.set(fact.node, mine);
      const key = `${session}\u0000${seq}`;
      const first = mine.get(key);
      if (first === undefined) {
        mine.set(key, { index, t: fact.t });
        return undefined;
      }
      return {
        message: `${fact.node} applied command ${seq} of session ${session} again at index ${index}, having applied it at index ${first.index} at ${formatTime(first.t)}`,
        nodes: [fact.node],
      };
    },
  };
}
