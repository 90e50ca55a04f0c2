import { callAll, ConfigError, type Envelope, type Micros, type NodeModel } from '../../kernel/index.js';

/**
 * A version orders a server's copies of the register across failovers: the epoch
 * is the monitor's count of promotions, the sequence number counts writes within it.
 */
export interface Version {
  epoch: number;
  seq: number;
}

export interface Copy {
  version: Version;
  value: unknown;
}

export const EMPTY: Copy = { version: { epoch: 0, seq: 0 }, value: null };

/** A backup keeps whichever copy is newer, so late or reordered updates never roll it back. */
export function newer(current: Copy, update: Copy): Copy {
  const a = current.version;
  const b = update.version;
  return b.epoch > a.epoch || (b.epoch === a.epoch && b.seq > a.seq) ? update : current;
}

export type ClientRequest = { op: 'read' } | { op: 'write'; value: unknown };
export type ClientReply =
  | { op: 'read'; value: unknown }
  | { op: 'write'; ok: true }
  /** This server is not the primary: the request did nothing. */
  | { op: 'error'; error: 'not-primary' }
  /** The primary could not replicate the write: it may or may not survive. */
  | { op: 'error'; error: 'unavailable' };

export type ServerMessage =
  | ClientRequest
  | { op: 'replicate'; copy: Copy }
  | { op: 'replicated' }
  | { op: 'ping' }
  | { op: 'pong' }
  | { op: 'promote'; epoch: number; backups: string[] };

export interface ServerOptions {
  /** Starts as the primary (only on its first boot: a restarted server rejoins as a backup). */
  primary?: boolean;
  /** The backups a primary replicates to at start. */
  backups?: string[];
  /**
   * `async`: the primary acknowledges a write at once and ships its copy to the
   * backups every `replicationInterval` (acknowledged writes can be lost).
   * `sync`: the primary acknowledges only after every backup holds the write.
   */
  replication: 'async' | 'sync';
  replicationInterval?: Micros;
  /** How long a synchronous primary waits for its backups. */
  replicationTimeout?: Micros;
}

/**
 * A primary–backup register. Clients read and write the primary; backups refuse
 * clients until the monitor promotes one of them. Volatile: a crash loses the copy.
 */
export function primaryBackupServer(options: ServerOptions): NodeModel<ServerMessage> {
  if (options.replication === 'async' && !(options.replicationInterval! > 0)) {
    throw new ConfigError('primary-backup: asynchronous replication needs a positive replicationInterval');
  }
  if (options.replication === 'sync' && !(options.replicationTimeout! > 0)) {
    throw new ConfigError('primary-backup: synchronous replication needs a positive replicationTimeout');
  }
  return (ctx) => {
    const firstBoot = ctx.disk.get<boolean>('booted') === undefined;
    ctx.disk.set('booted', true);
    let primary = firstBoot && options.primary === true;
    let backups = primary ? (options.backups ?? []) : [];
    let epoch = 0;
    let copy = EMPTY;
    let shipped = true;
    const writes: Array<{ request: Envelope; value: unknown }> = [];
    let replicating = false;

    const nextCopy = (value: unknown): Copy => ({ version: { epoch, seq: copy.version.seq + 1 }, value });
    /** The whiteboard: who is primary, and the copy this server holds with its version. */
    let shown = '';
    const annotate = () => {
      const now = `${primary ? `primary (epoch ${epoch})` : 'backup'}|v${copy.version.epoch}.${copy.version.seq} = ${JSON.stringify(copy.value)}`;
      if (now === shown) return;
      const [role, held] = now.split('|');
      ctx.annotate({ role, copy: held });
      shown = now;
    };
    annotate();

    function* drainWrites() {
      replicating = true;
      while (writes.length > 0) {
        const { request, value } = writes.shift()!;
        const update = nextCopy(value);
        const replies = yield* callAll(backups.map((to) => ({ to, body: { op: 'replicate', copy: update } })), options.replicationTimeout!);
        if (replies.every((r) => r.ok)) {
          copy = update;
          annotate();
          ctx.reply(request, { op: 'write', ok: true } satisfies ClientReply);
        } else {
          // Some backup may hold it already: the next write must not reuse its version.
          copy = { version: update.version, value: copy.value };
          ctx.reply(request, { op: 'error', error: 'unavailable' } satisfies ClientReply);
        }
      }
      replicating = false;
    }

    if (options.replication === 'async') ctx.setTimer(options.replicationInterval!, 'ship');

    const onMessage = (msg: ServerMessage, envelope: Envelope): void => {
        switch (msg.op) {
          case 'read':
          case 'write':
            if (!primary) {
              ctx.probe('a backup refused a client: not the primary');
              return ctx.reply(envelope, { op: 'error', error: 'not-primary' } satisfies ClientReply);
            }
            if (msg.op === 'read') return ctx.reply(envelope, { op: 'read', value: copy.value } satisfies ClientReply);
            if (options.replication === 'async') {
              copy = nextCopy(msg.value);
              shipped = false;
              return ctx.reply(envelope, { op: 'write', ok: true } satisfies ClientReply);
            }
            writes.push({ request: envelope, value: msg.value });
            if (!replicating) ctx.spawn(drainWrites());
            return;
          case 'replicate':
            if (primary) return;
            copy = newer(copy, msg.copy);
            return ctx.reply(envelope, { op: 'replicated' });
          case 'ping':
            return ctx.reply(envelope, { op: 'pong' });
          case 'promote':
            ctx.log(() => `promoted to primary in epoch ${msg.epoch} with copy ${JSON.stringify(copy)}`);
            ctx.probe('backup promoted to primary');
            primary = true;
            epoch = msg.epoch;
            backups = msg.backups;
            copy = { version: { epoch, seq: 0 }, value: copy.value };
            return;
          case 'replicated':
          case 'pong':
            return;
        }
    };

    return {
      onMessage(msg, envelope) {
        onMessage(msg, envelope);
        annotate();
      },
      onTimer() {
        if (primary && !shipped) {
          for (const to of backups) ctx.send(to, { op: 'replicate', copy });
          shipped = true;
        }
        ctx.setTimer(options.replicationInterval!, 'ship');
      },
    };
  };
}
