import { ConfigError, type Envelope, type Micros, type NodeModel } from '../../kernel/index.js';
import { sentinelFact } from './facts.js';

/** What a client sends: SET key value, GET key. */
export type ClientCommand = { op: 'set'; key: string; value: string } | { op: 'get'; key: string };
export type ClientReply =
  | { op: 'set'; ok: true }
  | { op: 'get'; value: string | null }
  /**
   * The command did nothing. READONLY: this node is a replica (a write, or a read a
   * Sentinel-aware client refuses after its ROLE check: redis.io, "Sentinel client
   * spec", step 3). NOREPLICAS: `min-replicas-to-write` good replicas are missing.
   */
  | { op: 'error'; error: 'READONLY' | 'NOREPLICAS' };

/**
 * What Sentinel sends: INFO (role and replication offset), REPLICAOF host / REPLICAOF NO ONE
 * (`master: null`), and its hello, which the server publishes to every sentinel that
 * connected to it (redis.io, "High availability with Redis Sentinel", "Sentinels and
 * replicas auto discovery": hellos go through the `__sentinel__:hello` channel of every
 * monitored instance, so a sentinel hears the others through any server it reaches).
 */
export type SentinelCommand = { op: 'info' } | { op: 'replicaof'; master: string | null } | SentinelHello;
export type SentinelHello = { op: 'hello'; sentinel: string; primary: string; configEpoch: number };
export type ServerInfo = { op: 'info'; role: 'master' | 'replica'; master: string | null; offset: number };

/** One write in the replication stream, numbered by the byte offset Redis would give it (here: one per write). */
type StreamEntry = { offset: number; key: string; value: string };

/**
 * Replication (redis.io, "Redis replication", "How Redis replication works"): a replica
 * acknowledges its offset every `ackInterval` (REPLCONF ACK); the first acknowledgement to
 * a new master is its PSYNC. The master answers with the part of the stream the replica
 * lacks (CONTINUE, and the retransmission TCP would do for segments a partition lost),
 * or, if the replica's history is not a prefix of its own, FULLRESYNC: its whole data set.
 */
type ReplicationMessage =
  | { op: 'replconf-ack'; replId: string; offset: number }
  | { op: 'stream'; replId: string; entries: StreamEntry[] }
  | { op: 'fullresync'; replId: string; offset: number; data: Array<[string, string]> };

export type ServerMessage = ClientCommand | SentinelCommand | ReplicationMessage;

export interface ReplicatedRedisOptions {
  /** The node it replicates at first boot; none: it starts as the primary. */
  replicaOf?: string;
  /** How often a replica sends REPLCONF ACK (every second in Redis). */
  ackInterval: Micros;
  /**
   * `min-replicas-to-write` and `min-replicas-max-lag` (redis.conf; redis.io, "Redis
   * replication", "Allow writes only with N attached replicas"): a primary refuses writes
   * unless this many replicas acknowledged within the lag. 0: off (Redis's default).
   */
  minReplicasToWrite: number;
  minReplicasMaxLag: Micros;
}

/**
 * A Redis server with asynchronous replication, as Sentinel drives it: it acknowledges a
 * write before any replica has it, and a node that Sentinel turns into a replica of a new
 * primary after it accepted writes of its own cannot continue the new primary's history:
 * it is resynchronized in full, and those writes are gone (redis.io, "High availability
 * with Redis Sentinel", "Example 2": "when the partition will heal, the master will be
 * reconfigured as a replica of the new master, discarding its data set"). The data set is
 * not persisted; the role is (Sentinel rewrites the config file when it reconfigures a node).
 */
export function replicatedRedis(options: ReplicatedRedisOptions): NodeModel<ServerMessage> {
  if (!(options.ackInterval > 0)) throw new ConfigError('replicated Redis: ackInterval must be positive');
  if (!(Number.isSafeInteger(options.minReplicasToWrite) && options.minReplicasToWrite >= 0)) throw new ConfigError('replicated Redis: minReplicasToWrite must be a whole number, 0 or more');
  if (options.minReplicasToWrite > 0 && !(options.minReplicasMaxLag > 0)) throw new ConfigError('replicated Redis: minReplicasMaxLag must be positive when minReplicasToWrite is set');
  return (ctx) => {
    let master = ctx.disk.get<string | null>('replicaof') ?? options.replicaOf ?? null;
    const data = new Map<string, string>();
    // PSYNC2 (Redis 4): a promoted replica keeps its old master's replication ID as
    // `replId2`, valid up to `secondOffset`, so the old master's other replicas continue.
    let replId = ctx.random.hex();
    let replId2: string | undefined;
    let secondOffset = -1;
    let offset = 0;
    /** The stream after `logStart` (Redis keeps a bounded backlog; these runs are short enough to keep it all). */
    let log: StreamEntry[] = [];
    let logStart = 0;
    /** While primary: its replicas' last acknowledgement (its own clock) and offset. */
    const replicas = new Map<string, { ackAt: Micros; offset: number }>();
    /** The sentinels subscribed to its hello channel: every one that sent it INFO. */
    const subscribers = new Set<string>();
    /** The offset it became primary at (undefined: a replica since its last full resync), and the highest offset a replica acknowledged since. */
    let primarySince: number | undefined = master === null ? 0 : undefined;
    let acknowledged = 0;

    const annotate = () => ctx.annotate(() => ({ role: master === null ? 'primary' : `replica of ${master}`, offset }));
    annotate();

    const continues = (id: string, at: number) => at >= logStart && at <= offset && (id === replId || (id === replId2 && at <= secondOffset));
    const apply = (entry: StreamEntry) => {
      data.set(entry.key, entry.value);
      log.push(entry);
      offset = entry.offset;
    };
    const goodReplicas = () => [...replicas.values()].filter((r) => ctx.now() - r.ackAt <= options.minReplicasMaxLag).length;

    const ack = () => {
      if (master !== null) ctx.send(master, { op: 'replconf-ack', replId, offset } satisfies ReplicationMessage);
    };
    ctx.setTimer(options.ackInterval, 'ack');
    ack();

    return {
      onMessage(msg: ServerMessage, envelope: Envelope) {
        switch (msg.op) {
          case 'set':
          case 'get': {
            if (master !== null) return ctx.reply(envelope, { op: 'error', error: 'READONLY' } satisfies ClientReply);
            if (msg.op === 'get') return ctx.reply(envelope, { op: 'get', value: data.get(msg.key) ?? null } satisfies ClientReply);
            if (goodReplicas() < options.minReplicasToWrite) {
              ctx.probe('write refused: not enough good replicas');
              return ctx.reply(envelope, { op: 'error', error: 'NOREPLICAS' } satisfies ClientReply);
            }
            const entry = { offset: offset + 1, key: msg.key, value: msg.value };
            apply(entry);
            annotate();
            for (const replica of replicas.keys()) ctx.send(replica, { op: 'stream', replId, entries: [entry] } satisfies ReplicationMessage);
            return ctx.reply(envelope, { op: 'set', ok: true } satisfies ClientReply);
          }
          case 'info':
            subscribers.add(envelope.from);
            return ctx.reply(envelope, { op: 'info', role: master === null ? 'master' : 'replica', master, offset } satisfies ServerInfo);
          case 'hello':
            for (const sentinel of subscribers) if (sentinel !== msg.sentinel) ctx.send(sentinel, msg);
            return;
          case 'replicaof':
            if (msg.master === null && master !== null) {
              ctx.log(() => `REPLICAOF NO ONE: primary at offset ${offset}, keeping ${replId} up to it as its second replication ID`);
              [replId2, secondOffset, replId] = [replId, offset, ctx.random.hex()];
              primarySince = acknowledged = offset;
              replicas.clear();
            } else if (msg.master !== null && msg.master !== master && msg.master !== ctx.id) {
              ctx.log(() => `REPLICAOF ${msg.master}${master === null ? ': no longer the primary' : ''}`);
            } else return ctx.reply(envelope, { op: 'ok' });
            master = msg.master;
            ctx.disk.set('replicaof', master);
            annotate();
            ack();
            return ctx.reply(envelope, { op: 'ok' });
          case 'replconf-ack':
            if (master !== null) return; // not a primary: the replica waits for Sentinel to point it elsewhere
            if (!continues(msg.replId, msg.offset)) {
              replicas.delete(envelope.from);
              return ctx.send(envelope.from, { op: 'fullresync', replId, offset, data: [...data] } satisfies ReplicationMessage);
            }
            replicas.set(envelope.from, { ackAt: ctx.now(), offset: msg.offset });
            acknowledged = Math.max(acknowledged, msg.offset);
            if (msg.offset < offset) ctx.send(envelope.from, { op: 'stream', replId, entries: log.filter((e) => e.offset > msg.offset) } satisfies ReplicationMessage);
            return;
          case 'stream':
            if (envelope.from !== master) return;
            for (const entry of msg.entries) {
              if (entry.offset > offset + 1) break; // a gap: the next acknowledgement asks for it again
              if (entry.offset === offset + 1) apply(entry);
            }
            replId = msg.replId;
            return annotate();
          case 'fullresync': {
            // Not from its master, or a second answer to an acknowledgement sent before the first arrived: the state it holds.
            if (envelope.from !== master || (msg.replId === replId && msg.offset === offset)) return;
            const unacknowledgedWrites = primarySince === undefined ? 0 : log.filter((e) => e.offset > Math.max(primarySince!, acknowledged)).length;
            sentinelFact(ctx, 'full-resync', { node: ctx.id, master, unacknowledgedWrites });
            if (unacknowledgedWrites > 0) {
              ctx.probe('full resync discarded writes the old primary had acknowledged');
              ctx.log(() => `full resync from ${master}: discarding ${unacknowledgedWrites} writes no replica had acknowledged`);
            }
            data.clear();
            for (const [key, value] of msg.data) data.set(key, value);
            [replId, offset, logStart, log, replId2, secondOffset] = [msg.replId, msg.offset, msg.offset, [], undefined, -1];
            primarySince = undefined;
            return annotate();
          }
        }
      },
      onTimer() {
        ack();
        ctx.setTimer(options.ackInterval, 'ack');
      },
    };
  };
}
