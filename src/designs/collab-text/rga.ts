import type { NodeContext } from '../../kernel/index.js';
import { positionOf } from './editing.js';
import type { Applied, PeerReplica, WireOp } from './peer.js';

/**
 * Variant 4, a sequence CRDT: the Replicated Growable Array of Roh, Jeon, Kim & Lee
 * (2011, "Replicated abstract data types: building blocks for collaborative
 * applications", J. Parallel Distrib. Comput.). Every character has an identity (a Lamport timestamp and
 * the site), is inserted after the character its author saw to its left, and is
 * never removed, only marked deleted (a tombstone), so later operations can still
 * name it. Concurrent inserts after one character are ordered by identity, newest
 * first: integration skips every element with a greater identity (which skips
 * their whole subtrees, whose timestamps are greater still). Operations commute, so
 * replicas that hold the same operations hold the same text, in whatever order and
 * however often they arrived: no server, no transformation, only a buffer for an
 * operation that names a character not yet received. Yjs's YATA (Nicolaescu et al.
 * 2016) orders concurrent inserts by both neighbours instead; the convergence
 * argument is the same.
 */
export type RgaOp =
  | { kind: 'ins'; ref: string | null; ts: number; ch: string }
  | { kind: 'del'; target: string };

interface Element {
  id: string;
  ts: number;
  site: number;
  ch: string;
  deleted: boolean;
}

interface Saved {
  elements: Element[];
  clock: number;
  waiting: Array<WireOp<RgaOp>>;
}

/** Identity order: the later timestamp first, ties by the higher site. */
const newer = (a: { ts: number; site: number }, b: { ts: number; site: number }) => a.ts > b.ts || (a.ts === b.ts && a.site > b.site);

export function rgaReplica(ctx: NodeContext, saved: unknown): PeerReplica<RgaOp> {
  const state: Saved = saved ? (saved as Saved) : { elements: [], clock: 0, waiting: [] };
  const indexOf = (id: string) => state.elements.findIndex((e) => e.id === id);
  const visible = () => state.elements.filter((e) => !e.deleted);

  /** Applies an operation whose causes are present; undefined if they are not yet. */
  const integrate = (op: Pick<WireOp<RgaOp>, 'id' | 'site' | 'body'>, local: boolean): Applied | undefined => {
    const body = op.body;
    if (body.kind === 'del') {
      const at = indexOf(body.target);
      if (at < 0) return undefined;
      const target = state.elements[at]!;
      if (target.deleted) {
        ctx.probe('concurrent delete of one character');
        return { op: op.id, kind: 'noop', char: '', transforms: 0 };
      }
      target.deleted = true;
      return { op: op.id, kind: 'del', char: target.id, transforms: 0 };
    }
    let at = body.ref === null ? 0 : indexOf(body.ref) + 1;
    if (at === 0 && body.ref !== null) return undefined;
    const element: Element = { id: op.id, ts: body.ts, site: op.site, ch: body.ch, deleted: false };
    const start = at;
    while (at < state.elements.length && newer(state.elements[at]!, element)) at++;
    if (at > start && !local) ctx.probe('concurrent insert at same position');
    state.elements.splice(at, 0, element);
    state.clock = Math.max(state.clock, body.ts);
    return { op: op.id, kind: 'ins', char: element.id, transforms: 0 };
  };

  return {
    local(step, id, site) {
      const shown = visible();
      const pos = positionOf(step, shown.length);
      if (pos === undefined) return undefined;
      const body: RgaOp = step.op === 'insert' ? { kind: 'ins', ref: pos === 0 ? null : shown[pos - 1]!.id, ts: state.clock + 1, ch: step.ch } : { kind: 'del', target: shown[pos]!.id };
      const applied = integrate({ id, site, body }, true)!;
      return { body, applied };
    },
    receive(op, report) {
      const first = integrate(op, false);
      if (!first) {
        ctx.probe('op buffered until its causes arrive');
        state.waiting.push(op);
        return;
      }
      report(first);
      for (let i = 0; i < state.waiting.length; ) {
        const released = integrate(state.waiting[i]!, false);
        if (released) {
          state.waiting.splice(i, 1);
          report(released);
          i = 0;
        } else i++;
      }
    },
    text: () => visible().map((e) => e.ch).join(''),
    ids: () => visible().map((e) => e.id),
    /** Every element keeps its identity, and deleted ones stay as tombstones. */
    meta: () => state.elements.length + state.waiting.length,
    waiting: () => state.waiting.map((op) => op.id),
    save: () => state,
  };
}
