import type { NodeModel } from '../../kernel/index.js';
import { positionOf, type EditStep } from './editing.js';
import { collabFact } from './facts.js';
import { applyOp, isInsertTie, textOf, transform, type Char, type TextOp } from './ot.js';
import { RETRANSMIT, siteOf } from './peer.js';
import { session, shortText } from './session.js';

/**
 * Variant 2, OT through a central server, as Jupiter (Nichols, Curtis, Dixon &
 * Lamping 1995, "High-latency, low-bandwidth windowing in the Jupiter
 * collaboration system", UIST: a two-party algorithm between each client and the
 * server, which forwards) and Google Wave / Docs after it, in Wave's simpler form
 * with revision numbers instead of Jupiter's per-client state spaces: the server
 * applies operations in one order (its history, numbered by revision); a client
 * sends one operation at a time (Wave's "one in flight"), saying the revision it
 * was typed against, and buffers the rest; the server transforms it against the
 * history since that revision and appends it; a client transforms each operation
 * of the history it receives against its unacknowledged ones (the one in flight
 * and its buffer), and reads its own operation coming back as the
 * acknowledgement. Only two operations are ever
 * transformed against each other, along the one order the server chose, so TP1
 * suffices and TP2 is never needed.
 *
 * Delivery: clients resend their operation in flight and ask for the history from
 * their revision every RETRANSMIT; the server ignores an operation it already has
 * (by the client's sequence number) and answers with the history, which carries
 * the acknowledgement. Both keep their state on disk as it changes.
 */
export const SERVER = 'server';
const BATCH = 32;
const SYNC = 'sync';

/** One revision of the server's history: the operation as the server applied it, and who sent it with which number. */
export interface Entry {
  op: TextOp;
  client: string;
  seq: number;
}

export type ServerMessage =
  | { type: 'op'; seq: number; base: number; op: TextOp }
  | { type: 'sync'; have: number }
  | { type: 'history'; from: number; entries: Entry[] };

interface ServerState {
  doc: Char[];
  history: Entry[];
  /** Per client, the highest sequence number applied. */
  last: Record<string, number>;
}

export interface OtServerOptions {
  /**
   * Ignore an operation the server already has, by the client's sequence number
   * (default). False: the server takes every operation it receives as new, as a
   * server written for Jupiter's reliable, order-preserving connections would, and
   * applies a retransmitted or duplicated one again.
   */
  dedupe: boolean;
}

export function otServer(clients: readonly string[], options: OtServerOptions = { dedupe: true }): NodeModel<ServerMessage> {
  return (ctx) => {
    const saved = ctx.disk.get<string>('server');
    const state: ServerState = saved ? JSON.parse(saved) :  { doc: [], history: [], last: {} };
    if (saved) collabFact(ctx, 'replica-restored', { text: textOf(state.doc), ids: state.doc.map((c) => c.id), applied: state.history.map((e) => e.op.id) });
    ctx.annotate(() => ({ text: shortText(textOf(state.doc)), revision: state.history.length }));
    const historyFrom = (from: number): ServerMessage => ({ type: 'history', from, entries: state.history.slice(from, from + BATCH) });
    return {
      onMessage(msg, envelope) {
        const client = envelope.from;
        if (msg.type === 'sync') {
          if (msg.have < state.history.length) ctx.send(client, historyFrom(msg.have));
          return;
        }
        if (msg.type !== 'op') return;
        if (options.dedupe && msg.seq <= (state.last[client] ?? -1)) {
          ctx.probe('duplicate op ignored');
          ctx.send(client, historyFrom(msg.base));
          return;
        }
        let op = msg.op;
        for (const entry of state.history.slice(msg.base)) {
          if (isInsertTie(op, entry.op)) ctx.probe('concurrent insert at same position');
          op = transform(op, entry.op);
        }
        const transforms = state.history.length - msg.base;
        const applied = applyOp(state.doc, op);
        state.history.push({ op, client, seq: msg.seq });
        state.last[client] = msg.seq;
        ctx.disk.set('server', JSON.stringify(state));
        collabFact(ctx, 'op-applied', { op: op.id, ...applied, local: false, text: textOf(state.doc), ids: state.doc.map((c) => c.id), transforms, meta: state.history.length });
        ctx.annotate(() => ({ text: shortText(textOf(state.doc)), revision: state.history.length }));
        const from = state.history.length - 1;
        for (const c of clients) ctx.send(c, { type: 'history', from, entries: state.history.slice(from) });
      },
    };
  };
}

interface ClientState {
  doc: Char[];
  /** Server revisions applied. */
  revision: number;
  /** Sent, not yet acknowledged: transformed to `revision`. */
  inflight: { seq: number; op: TextOp } | undefined;
  /** Typed after the one in flight, waiting to be sent; transformed to `revision`. */
  buffer: Array<{ seq: number; op: TextOp }>;
  nextSeq: number;
  applied: string[];
}

export function otClient(steps: readonly EditStep[]): NodeModel<ServerMessage> {
  return (ctx) => {
    const site = siteOf(ctx.id);
    const saved = ctx.disk.get<string>('client');
    const state: ClientState = saved ? JSON.parse(saved) : { doc: [], revision: 0, inflight: undefined, buffer: [], nextSeq: 0, applied: [] };
    const persist = () => {
      ctx.disk.set('client', JSON.stringify(state));
      ctx.annotate(() => ({ text: shortText(textOf(state.doc)), revision: state.revision, unacked: (state.inflight ? 1 : 0) + state.buffer.length }));
    };
    const send = () => state.inflight && ctx.send(SERVER, { type: 'op', seq: state.inflight.seq, base: state.revision, op: state.inflight.op });
    const apply = (op: TextOp, local: boolean, transforms: number) => {
      const applied = applyOp(state.doc, op);
      state.applied.push(op.id);
      collabFact(ctx, 'op-applied', { op: op.id, ...applied, local, text: textOf(state.doc), ids: state.doc.map((c) => c.id), transforms, meta: (state.inflight ? 1 : 0) + state.buffer.length });
    };

    const typing = session(ctx, steps, (step) => {
      const pos = positionOf(step, state.doc.length);
      if (pos === undefined) return;
      const seq = state.nextSeq++;
      const id = `${site}.${seq}`;
      const op: TextOp = step.op === 'insert' ? { kind: 'ins', pos, ch: step.ch, id, site } : { kind: 'del', pos, id, site };
      apply(op, true, 0);
      if (state.inflight) state.buffer.push({ seq, op });
      else {
        state.inflight = { seq, op };
        send();
      }
      persist();
    });

    if (saved) collabFact(ctx, 'replica-restored', { text: textOf(state.doc), ids: state.doc.map((c) => c.id), applied: state.applied });
    persist();
    typing.start();
    ctx.setTimer(RETRANSMIT, SYNC);

    /** The next revision of the history: the acknowledgement of our own operation, or another's, transformed against ours. */
    const receive = (entry: Entry) => {
      state.revision++;
      // Our own operation in flight coming back (a server that applied one twice sends the
      // second copy too: that is another revision, taken like anyone else's).
      if (entry.client === ctx.id && entry.seq === state.inflight?.seq) {
        const acked = state.inflight;
        collabFact(ctx, 'op-acked', { op: acked.op.id, char: acked.op.kind === 'ins' ? acked.op.id : '' });
        state.inflight = state.buffer.shift();
        send();
        return;
      }
      let op = entry.op;
      const pending = [...(state.inflight ? [state.inflight] : []), ...state.buffer];
      if (pending.length > 0) ctx.probe('transformed against unacknowledged op');
      for (const mine of pending) {
        if (isInsertTie(op, mine.op)) ctx.probe('concurrent insert at same position');
        [op, mine.op] = [transform(op, mine.op), transform(mine.op, op)];
      }
      apply(op, false, 2 * pending.length);
    };

    return {
      onMessage(msg) {
        if (msg.type !== 'history') return;
        for (const [k, entry] of msg.entries.entries()) {
          const revision = msg.from + k;
          if (revision < state.revision) {
            ctx.probe('duplicate op ignored');
            continue;
          }
          // A gap (a lost message, or one overtaken): the next sync asks for the history from here.
          if (revision > state.revision) break;
          receive(entry);
        }
        persist();
      },
      onTimer(tag) {
        if (typing.onTimer(tag)) return;
        if (tag === SYNC) {
          ctx.send(SERVER, { type: 'sync', have: state.revision });
          send();
          ctx.setTimer(RETRANSMIT, SYNC);
        }
      },
    };
  };
}
