/**
 * Character-wise operational transformation: the operations and the inclusion
 * transformation IT(a, b) of Ellis & Gibbs (1989, "Concurrency control in groupware
 * systems") as Ressel, Nitsche-Ruhland & Gunzenhäuser state it (1996, "An
 * integrating, transformation-oriented approach to concurrency control and undo in
 * group editors", CSCW): insert/insert ties at one position are broken by site
 * priority (the lower site goes left), a delete of a character another delete
 * already removed becomes a no-op.
 *
 * These functions satisfy TP1 (a ∘ IT(b, a) ≡ b ∘ IT(a, b): two sites that apply
 * the same two concurrent operations in opposite orders agree), which is all a
 * central server needs: it orders everything, so each client only ever transforms
 * one operation against one other (Nichols et al. 1995, Jupiter). They do not
 * satisfy TP2 (transforming a third operation along either path gives the same
 * result, Imine et al.'s C2): Sun, Jia, Zhang, Yang & Chen (1998, "Achieving
 * convergence, causality preservation, and intention preservation in real-time
 * cooperative editing systems", TOCHI) and Imine, Molli, Oster & Rusinowitch
 * (2003, "Proving correctness of transformation functions in real-time
 * groupware", ECSCW) show the counterexample, an
 * insert, a delete of the character between, and an insert after it: once the
 * delete has run, the two inserts tie at one position and site priority may order
 * them opposite to the order their original positions implied, along one path but
 * not the other. Peer-to-peer OT without a server (adOPTed) needs TP2: see
 * `p2p-ot.ts`.
 */

/** An operation on the text, as it travels: `id` names it, `site` is where it was typed (the tie-breaker). */
export type TextOp =
  | { kind: 'ins'; pos: number; ch: string; id: string; site: number }
  | { kind: 'del'; pos: number; id: string; site: number }
  | { kind: 'noop'; id: string; site: number };

/** IT(a, b): `a` rewritten to apply after `b`, both defined on the same text. */
export function transform(a: TextOp, b: TextOp): TextOp {
  if (a.kind === 'noop' || b.kind === 'noop') return a;
  if (a.kind === 'ins') {
    if (b.kind === 'ins') return a.pos < b.pos || (a.pos === b.pos && a.site < b.site) ? a : { ...a, pos: a.pos + 1 };
    return a.pos <= b.pos ? a : { ...a, pos: a.pos - 1 };
  }
  if (b.kind === 'ins') return a.pos < b.pos ? a : { ...a, pos: a.pos + 1 };
  if (a.pos < b.pos) return a;
  if (a.pos > b.pos) return { ...a, pos: a.pos - 1 };
  return { kind: 'noop', id: a.id, site: a.site };
}

/** Whether IT(a, b) had to break an insert/insert tie at one position by site priority. */
export const isInsertTie = (a: TextOp, b: TextOp): boolean => a.kind === 'ins' && b.kind === 'ins' && a.pos === b.pos;

/** One visible character and its identity. */
export interface Char {
  id: string;
  ch: string;
}

/** The result of applying an operation to a document: the character it inserted or removed ('' for a no-op). */
export function applyOp(doc: Char[], op: TextOp): { kind: TextOp['kind']; char: string } {
  if (op.kind === 'ins') {
    doc.splice(Math.min(op.pos, doc.length), 0, { id: op.id, ch: op.ch });
    return { kind: 'ins', char: op.id };
  }
  if (op.kind === 'del' && op.pos < doc.length) {
    const [removed] = doc.splice(op.pos, 1);
    return { kind: 'del', char: removed!.id };
  }
  return { kind: 'noop', char: '' };
}

export const textOf = (doc: readonly Char[]): string => doc.map((c) => c.ch).join('');
