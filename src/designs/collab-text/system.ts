import { ConfigError, type Micros, type World } from '../../kernel/index.js';
import { drawSessions, validateScript, type EditStep, type SessionOptions } from './editing.js';
import { naiveReplica } from './naive.js';
import { adoptedReplica } from './p2p-ot.js';
import { peerSite, type PeerOptions } from './peer.js';
import { convergence, intentionPreservation, noLostKeystroke } from './properties.js';
import { rgaReplica } from './rga.js';
import { otClient, otServer, SERVER } from './server-ot.js';

/** The four ways to edit one text together (issue 17). */
export type Variant = 'naive' | 'ot-server' | 'ot-p2p' | 'crdt';

export interface CollabSystemOptions {
  variant: Variant;
  clients: number;
  /** The editing sessions: drawn from the seed's `workload` stream, or a script typed in. */
  editing: { sessions: Omit<SessionOptions, 'clients'> } | { script: EditStep[] };
  /** The run's length, to refuse a script step beyond it. */
  duration: Micros;
  /** How long after the last edit and the last fault every replica must hold every operation. */
  settle: Micros;
  /** Each client types at most its first this many keystrokes of its session: how the shrinker makes a failing session shorter. */
  keystrokesPerClient?: number;
  /** `ot-server` only: whether the server ignores an operation it already has (default: it does; see `OtServerOptions`). */
  serverDedupe?: boolean;
  /** Peer-to-peer variants only: see `PeerOptions.batchReceivedWrites` (default: written before acknowledged). */
  batchReceivedWrites?: Micros;
}

export const clientNames = (count: number): string[] => Array.from({ length: count }, (_, i) => `client-${i + 1}`);

/** The replicas whose texts must converge: the clients, and the server's copy when there is one. */
export const replicaNames = (options: Pick<CollabSystemOptions, 'variant' | 'clients'>): string[] =>
  options.variant === 'ot-server' ? [...clientNames(options.clients), SERVER] : clientNames(options.clients);

/**
 * A shared text: `clients` editors typing their sessions, connected directly (the
 * peer-to-peer variants) or through one server (`ot-server`), and the three
 * properties, intention preservation judged first.
 */
export function buildCollab(world: World, options: CollabSystemOptions): void {
  if (!Number.isSafeInteger(options.clients) || options.clients < 2) throw new ConfigError('collaborative editing needs at least 2 clients');
  const clients = clientNames(options.clients);
  let steps: EditStep[];
  if ('script' in options.editing) {
    validateScript(options.editing.script, clients, options.duration);
    steps = [...options.editing.script].sort((a, b) => a.at - b.at);
  } else steps = drawSessions(world.stream('workload'), { ...options.editing.sessions, clients });
  if (options.keystrokesPerClient !== undefined) {
    const typed = new Map<string, number>();
    steps = steps.filter((step) => {
      const n = typed.get(step.client) ?? 0;
      typed.set(step.client, n + 1);
      return n < options.keystrokesPerClient!;
    });
  }

  if (options.variant === 'ot-server') {
    world.node(SERVER, otServer(clients, { dedupe: options.serverDedupe ?? true }));
    for (const client of clients) world.node(client, otClient(steps));
  } else {
    const replica: PeerOptions<unknown>['replica'] =
      options.variant === 'naive' ? (_ctx, saved) => naiveReplica(saved) : options.variant === 'ot-p2p' ? adoptedReplica : (ctx, saved) => rgaReplica(ctx, saved);
    for (const client of clients) world.node(client, peerSite({ peers: clients.filter((c) => c !== client), steps, replica, batchReceivedWrites: options.batchReceivedWrites }));
  }
  const replicas = replicaNames(options);
  // From the most to the least specific account of the same fact: intention preservation
  // judges each operation as a replica applies it and names the one that went wrong;
  // no-lost-keystroke names an acknowledged character a replica lacks; convergence,
  // judging the same quiescent points and the same end, can only say the texts differ
  // or that delivery never finished.
  world.property(intentionPreservation());
  world.property(noLostKeystroke({ replicas, settle: options.settle }));
  world.property(convergence({ replicas, settle: options.settle }));
}
