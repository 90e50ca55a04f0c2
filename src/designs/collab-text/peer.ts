import { ms, type Micros, type NodeContext, type NodeModel, type TimerHandle } from '../../kernel/index.js';
import type { EditStep } from './editing.js';
import { collabFact, type AppliedKind } from './facts.js';
import { session, shortText } from './session.js';

/** What integrating one operation did at a replica. */
export interface Applied {
  op: string;
  kind: AppliedKind;
  char: string;
  transforms: number;
}

/** An operation as peers exchange it: its origin site, its number there (from 0), and the variant's own body. */
export interface WireOp<B> {
  id: string;
  site: number;
  seq: number;
  /** The character it typed ('' for a delete). */
  typed: string;
  body: B;
}

/**
 * A peer-to-peer replica: how a keystroke becomes an operation, how a remote one is
 * integrated (perhaps later, once what it depends on has arrived), and its state as
 * plain data for the disk.
 */
export interface PeerReplica<B> {
  /** The operation a keystroke makes, already applied; undefined when it does nothing (a backspace on an empty text). */
  local(step: EditStep, id: string, site: number): { body: B; applied: Applied } | undefined;
  /** Integrates a new remote operation, reporting each it applies as it applies it (it and any buffered ones it released; perhaps none yet). */
  receive(op: WireOp<B>, report: (applied: Applied) => void): void;
  text(): string;
  ids(): string[];
  meta(): number;
  /** The operations received but not yet applied. */
  waiting(): string[];
  save(): unknown;
}

export interface PeerOptions<B> {
  peers: readonly string[];
  steps: readonly EditStep[];
  /** A fresh replica, or one read back from its saved state. */
  replica(ctx: NodeContext, saved: unknown | undefined, sites: number): PeerReplica<B>;
  /**
   * Operations received from peers are written to disk before they are acknowledged
   * (absent), or acknowledged at once and written within this long, in one batch
   * (the bug: a crash in between loses operations their author was told are safe).
   */
  batchReceivedWrites?: Micros;
}

/** How often a peer resends what a peer has not acknowledged. */
export const RETRANSMIT = ms(100);
const BATCH = 32;
const RESEND = 'resend';
const SAVE = 'save';

type PeerMessage<B> = { type: 'ops'; ops: WireOp<B>[] } | { type: 'ack'; have: number };

interface PeerState {
  own: WireOp<unknown>[];
  /** Per peer: how many of our operations it holds (a prefix). */
  acked: Record<string, number>;
  /** Per origin site: how many of its operations we hold (a prefix: each origin resends in order until acknowledged). */
  held: Record<string, number>;
  replica: unknown;
}

export const siteOf = (node: string): number => Number(node.slice(node.lastIndexOf('-') + 1));

/**
 * A site of a peer-to-peer editor (no server): it types its session, applies its
 * keystrokes at once, and sends each operation to every peer, resending every
 * RETRANSMIT what a peer has not acknowledged: the network loses, duplicates and
 * reorders, and partitions keep peers offline, so delivery is only eventual
 * (reliable broadcast by retransmission; the replicas still see duplicates, and
 * ignore them). Everything is written to disk as it changes (an editor keeping its
 * document in IndexedDB, as y-indexeddb does), so a crash loses nothing typed.
 */
export function peerSite<B>(options: PeerOptions<B>): NodeModel<PeerMessage<B>> {
  return (ctx: NodeContext) => {
    const site = siteOf(ctx.id);
    const sites = options.peers.length + 1;
    // The disk holds the state serialized, as an editor writes its document: one string, not a live object.
    const saved = ctx.disk.get<string>('peer');
    const state: PeerState = saved ? JSON.parse(saved) : { own: [], acked: {}, held: {}, replica: undefined };
    const replica = options.replica(ctx, state.replica, sites);

    let shown: string | undefined;
    /** With `batchReceivedWrites`: the pending write of operations received and acknowledged, not yet on disk. */
    let saveDue: TimerHandle | undefined;
    const persist = () => {
      state.replica = replica.save();
      ctx.disk.set('peer', JSON.stringify(state));
      const text = shortText(replica.text());
      if (text !== shown) ctx.annotate({ text: (shown = text) });
    };
    /** What this replica has applied: its own operations and every one it holds from others except those still waiting. */
    const applied = () => {
      const waiting = new Set(replica.waiting());
      const ids = state.own.map((op) => op.id);
      for (const [origin, held] of Object.entries(state.held)) for (let seq = 0; seq < held; seq++) if (!waiting.has(`${origin}.${seq}`)) ids.push(`${origin}.${seq}`);
      return ids;
    };
    const record = (a: Applied, local: boolean) => {
      collabFact(ctx, 'op-applied', { ...a, local, text: replica.text(), ids: replica.ids(), transforms: a.transforms, meta: replica.meta() });
    };
    const sendUnacked = (peer: string) => {
      const from = state.acked[peer] ?? 0;
      if (from < state.own.length) ctx.send(peer, { type: 'ops', ops: state.own.slice(from, from + BATCH) as WireOp<B>[] });
    };

    const typing = session(ctx, options.steps, (step) => {
      const seq = state.own.length;
      const id = `${site}.${seq}`;
      const made = replica.local(step, id, site);
      if (!made) return;
      const op: WireOp<B> = { id, site, seq, typed: made.applied.kind === 'ins' ? made.applied.char : '', body: made.body };
      state.own.push(op);
      record(made.applied, true);
      persist();
      for (const peer of options.peers) ctx.send(peer, { type: 'ops', ops: [op] });
    });

    if (saved) collabFact(ctx, 'replica-restored', { text: replica.text(), ids: replica.ids(), applied: applied() });
    // The document exists on disk from the moment it is opened: a restart always reads one back, empty or not.
    else ctx.disk.set('peer', JSON.stringify({ ...state, replica: replica.save() }));
    ctx.annotate({ text: (shown = shortText(replica.text())) });
    typing.start();
    ctx.setTimer(RETRANSMIT, RESEND);

    return {
      onMessage(msg, envelope) {
        if (msg.type === 'ack') {
          if (msg.have <= (state.acked[envelope.from] ?? 0)) return;
          const before = Math.max(0, ...Object.values(state.acked));
          state.acked[envelope.from] = msg.have;
          // The first peer to hold a keystroke acknowledges it: it is no longer only on this site.
          for (const op of state.own.slice(before, msg.have)) collabFact(ctx, 'op-acked', { op: op.id, char: op.typed });
          persist();
          return;
        }
        const origin = String(siteOf(envelope.from));
        const heldBefore = state.held[origin] ?? 0;
        for (const op of msg.ops) {
          const held = state.held[origin] ?? 0;
          if (op.seq < held) {
            ctx.probe('duplicate op ignored');
            continue;
          }
          // A gap: an earlier operation of this origin was lost; it resends from the first we lack.
          if (op.seq > held) break;
          state.held[origin] = held + 1;
          replica.receive(op, (a) => record(a, false));
        }
        if ((state.held[origin] ?? 0) > heldBefore) {
          if (options.batchReceivedWrites === undefined) persist();
          else if (!saveDue) saveDue = ctx.setTimer(options.batchReceivedWrites, SAVE);
        }
        ctx.send(envelope.from, { type: 'ack', have: state.held[origin] ?? 0 });
      },
      onTimer(tag) {
        if (typing.onTimer(tag)) return;
        if (tag === SAVE) {
          saveDue = undefined;
          return persist();
        }
        if (tag === RESEND) {
          for (const peer of options.peers) sendUnacked(peer);
          ctx.setTimer(RETRANSMIT, RESEND);
        }
      },
    };
  };
}

