import { positionOf } from './editing.js';
import { applyOp, isInsertTie, textOf, transform, type Char, type TextOp } from './ot.js';
import type { Applied, PeerReplica, WireOp } from './peer.js';
import type { NodeContext } from '../../kernel/index.js';

/** An operation with its context: `v[i]` is how many of site i+1's operations its author had applied when typing it. */
export interface Request {
  op: TextOp;
  v: number[];
}

interface Saved {
  doc: Char[];
  /** Per site (index site − 1), its operations in order, as typed (untransformed), with their contexts. */
  log: Request[][];
  /** Remote operations waiting for an operation they depend on. */
  waiting: Array<WireOp<Request>>;
}

/**
 * Variant 3, peer-to-peer OT: Ressel et al.'s adOPTed (1996). Each site keeps
 * every operation as typed with its state vector; a remote operation is delivered in
 * causal order and translated to the site's current state along the
 * multi-dimensional interaction graph: to move request r to state s, pick the
 * operation q of some site j that is last in s and that nothing else in s depends
 * on, translate r and q both to s − e_j, and return IT(r', q'). The translations
 * are memoised. With transformation functions that satisfy TP1 and TP2 every path
 * gives the same result and sites converge; `ot.ts`'s functions lack TP2, so a
 * site that reached a state along one path and a site that reached it along
 * another can hold different texts — Sun et al.'s (1998) insert/delete/insert
 * puzzle, which needs three sites.
 */
export function adoptedReplica(ctx: NodeContext, saved: unknown, sites: number): PeerReplica<Request> {
  const state: Saved = saved ? (saved as Saved) : { doc: [], log: Array.from({ length: sites }, () => []), waiting: [] };
  const vector = () => state.log.map((ops) => ops.length);
  const memo = new Map<string, TextOp>();
  let transforms = 0;

  const request = (site: number, seq: number) => state.log[site - 1]![seq]!;
  /** r translated to state s (r.v ≤ s componentwise). */
  const translate = (r: Request, s: number[]): TextOp => {
    if (s.every((n, i) => n === r.v[i])) return r.op;
    const key = `${r.op.id}|${s.join(',')}`;
    const known = memo.get(key);
    if (known) return known;
    const j = s.findIndex((n, i) => n > r.v[i]! && s.every((m, k) => m === 0 || request(k + 1, m - 1).v[i]! < n));
    const before = s.map((n, i) => (i === j ? n - 1 : n));
    const q = request(j + 1, s[j]! - 1);
    const rAt = translate(r, before);
    const qAt = translate(q, before);
    transforms++;
    if (isInsertTie(rAt, qAt)) ctx.probe('concurrent insert at same position');
    const result = transform(rAt, qAt);
    memo.set(key, result);
    return result;
  };
  const ready = (r: Request, site: number) => {
    const v = vector();
    return r.v.every((n, i) => (i === site - 1 ? n === v[i] : n <= v[i]!));
  };
  const integrate = (op: WireOp<Request>): Applied => {
    transforms = 0;
    const translated = translate(op.body, vector());
    state.log[op.site - 1]!.push(op.body);
    return { op: op.id, ...applyOp(state.doc, translated), transforms };
  };

  return {
    local(step, id, site) {
      const pos = positionOf(step, state.doc.length);
      if (pos === undefined) return undefined;
      const op: TextOp = step.op === 'insert' ? { kind: 'ins', pos, ch: step.ch, id, site } : { kind: 'del', pos, id, site };
      const body: Request = { op, v: vector() };
      state.log[site - 1]!.push(body);
      return { body, applied: { op: id, ...applyOp(state.doc, op), transforms: 0 } };
    },
    receive(op, report) {
      if (!ready(op.body, op.site)) {
        ctx.probe('op buffered until its causes arrive');
        state.waiting.push(op);
        return;
      }
      report(integrate(op));
      for (let i = 0; i < state.waiting.length; ) {
        const next = state.waiting[i]!;
        if (ready(next.body, next.site)) {
          state.waiting.splice(i, 1);
          report(integrate(next));
          i = 0;
        } else i++;
      }
    },
    text: () => textOf(state.doc),
    ids: () => state.doc.map((c) => c.id),
    /** Every operation ever typed stays in the log: translation may need any of them. */
    meta: () => state.log.reduce((sum, ops) => sum + ops.length, 0) + state.waiting.length,
    waiting: () => state.waiting.map((op) => op.id),
    save: () => state,
  };
}
