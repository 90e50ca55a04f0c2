import { call, sleep, type Micros, type NodeContext } from '../../kernel/index.js';
import type { ClientReply, ClientRequest } from './core.js';

/** What a client knows of the cluster: its servers, and which one it believes leads. All its sessions share it. */
export interface Cluster {
  readonly servers: readonly string[];
  leader: string | undefined;
}

/** A session: an id and the last sequence number used. Requests in one session go one at a time. */
export interface RaftSession {
  readonly cluster: Cluster;
  readonly id: string;
  seq: number;
}

/**
 * A fresh session. The id is drawn anew on every start of the client, so a client
 * that restarts (and forgets its sequence numbers) is never mistaken for a retry.
 */
export function openSession(ctx: NodeContext, cluster: Cluster): RaftSession {
  return { cluster, id: `${ctx.id}/${ctx.random.hex()}`, seq: 0 };
}

export interface SubmitOptions {
  /** How long to wait for each answer. */
  timeout: Micros;
  /** Requests to send before giving up (redirects count); unbounded if not given. */
  attempts?: number;
  /** The server to ask first, instead of the one the client believes leads (a scripted step names it). */
  server?: string;
}

/**
 * Submits one command: to the server it believes leads, following redirects, and
 * after a timeout to another server, always with the same sequence number so the
 * state machine applies it once however many copies reach the log. Returns the
 * result, or undefined if it gave up.
 */
export function* submit<C, R>(ctx: NodeContext, session: RaftSession, command: C, options: SubmitOptions) {
  const request: ClientRequest<C> = { type: 'request', session: session.id, seq: ++session.seq, command };
  const cluster = session.cluster;
  for (let attempt = 1; attempt <= (options.attempts ?? Infinity); attempt++) {
    const target = (attempt === 1 ? options.server : undefined) ?? cluster.leader ?? ctx.random.pick(cluster.servers);
    const reply = yield* call<ClientReply<R>>(target, request, options.timeout);
    if (reply.ok && reply.body.type === 'response') {
      cluster.leader = target;
      return reply.body.result;
    }
    cluster.leader = reply.ok && reply.body.type === 'redirect' && reply.body.leader !== target ? reply.body.leader : undefined;
    // No leader known: give the cluster a moment to elect one before asking again.
    if (cluster.leader === undefined && reply.ok) yield* sleep(options.timeout);
  }
  return undefined;
}
