import { positionOf } from './editing.js';
import { applyOp, textOf, type Char, type TextOp } from './ot.js';
import type { PeerReplica } from './peer.js';

/**
 * Variant 1, naive: a remote operation is applied at the index its author typed it
 * at, as it arrives, with no transformation. Two concurrent edits shift each other's
 * positions differently at each site, so replicas diverge: the failure operational
 * transformation was invented for (Ellis & Gibbs 1989, SIGMOD).
 */
export function naiveReplica(saved: unknown): PeerReplica<TextOp> {
  const doc: Char[] = saved ? (saved as Char[]) : [];
  return {
    local(step, id, site) {
      const pos = positionOf(step, doc.length);
      if (pos === undefined) return undefined;
      const body: TextOp = step.op === 'insert' ? { kind: 'ins', pos, ch: step.ch, id, site } : { kind: 'del', pos, id, site };
      return { body, applied: { op: id, ...applyOp(doc, body), transforms: 0 } };
    },
    receive(op, report) {
      report({ op: op.id, ...applyOp(doc, op.body), transforms: 0 });
    },
    text: () => textOf(doc),
    ids: () => doc.map((c) => c.id),
    meta: () => 0,
    waiting: () => [],
    save: () => doc,
  };
}
