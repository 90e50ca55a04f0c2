import { formatTime, type Fact, type Micros } from '../../kernel/index.js';
import type { CollabFact } from './facts.js';

/** What a run measured, for its one-line summary and the study. */
export interface CollabMeasures {
  edits: number;
  /** Transformation-function calls, over all replicas, per edit. */
  transformsPerEdit: number;
  /** Metadata records per visible character at the end (the largest over the replicas). */
  metaPerChar: number;
  finalLength: number;
  /** From the last partition's heal to the next quiescent point, if both happened. */
  convergeAfterHeal: Micros | undefined;
}

/** Folds a run's facts into its measures (the same quiescence as the properties, counted over the nodes that report). */
export function collabMeasures() {
  const applied = new Map<string, Set<string>>();
  const ops = new Set<string>();
  const meta = new Map<string, { meta: number; length: number }>();
  let edits = 0;
  let transforms = 0;
  let healedAt: Micros | undefined;
  let convergeAfterHeal: Micros | undefined;
  return {
    collect(fact: Fact) {
      if (fact.kind === 'recover' && (fact.data as { fault: { kind: string } }).fault.kind === 'partition') {
        healedAt = fact.t;
        convergeAfterHeal = undefined;
      }
      if (fact.kind === 'replica-restored') applied.set(fact.node, new Set((fact as Fact<CollabFact> & { kind: 'replica-restored' }).data.applied));
      if (fact.kind !== 'op-applied') return;
      const { data } = fact as Fact<CollabFact> & { kind: 'op-applied' };
      if (data.local) edits++;
      transforms += data.transforms;
      ops.add(data.op);
      const mine = applied.get(fact.node) ?? new Set<string>();
      applied.set(fact.node, mine.add(data.op));
      meta.set(fact.node, { meta: data.meta, length: data.ids.length });
      if (healedAt !== undefined && convergeAfterHeal === undefined && [...applied.values()].every((s) => s.size === ops.size)) convergeAfterHeal = fact.t - healedAt;
    },
    measures(): CollabMeasures {
      const perChar = [...meta.values()].map((m) => m.meta / Math.max(1, m.length));
      const lengths = [...meta.values()].map((m) => m.length);
      return { edits, transformsPerEdit: transforms / Math.max(1, edits), metaPerChar: Math.max(0, ...perChar), finalLength: Math.max(0, ...lengths), convergeAfterHeal };
    },
  };
}

export const collabSummary = () => {
  const collector = collabMeasures();
  return {
    collect: collector.collect,
    render() {
      const m = collector.measures();
      const heal = m.convergeAfterHeal === undefined ? 'no partition healed before the end' : `converged ${formatTime(m.convergeAfterHeal)} after the last heal`;
      return `${m.edits} edits, ${m.finalLength} characters; ${m.transformsPerEdit.toFixed(1)} transformations per edit; ${m.metaPerChar.toFixed(1)} metadata records per character; ${heal}`;
    },
  };
};
