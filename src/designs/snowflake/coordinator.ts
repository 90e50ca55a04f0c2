import { ConfigError, type Micros, type NodeModel } from '../../kernel/index.js';
import { snowflakeFact } from './facts.js';
import { MAX_NODE_ID } from './id.js';

/**
 * `fromMs`: the holder's clock or its last timestamp, whichever is later; the
 * service reserves timestamps up to `aheadMs` beyond it (never below the id's floor).
 */
export type LeaseRequest =
  | { op: 'acquire'; holder: string; fromMs: number; aheadMs: number; ttl: Micros }
  | { op: 'renew'; holder: string; nodeId: number; token: number; fromMs: number; aheadMs: number; ttl: Micros };

export type LeaseReply =
  | { op: 'acquire'; granted: true; nodeId: number; token: number; floorMs: number; reservedUntilMs: number }
  | { op: 'acquire'; granted: false }
  | { op: 'renew'; ok: true; reservedUntilMs: number }
  | { op: 'renew'; ok: false };

/** One node id's record, on the service's disk. */
interface IdRecord {
  holder: string;
  token: number;
  /** On the service's clock. */
  expiresAt: Micros;
  /** The highest timestamp any holder of this id may have used. */
  reservedUntil: number;
}

/**
 * A coordination service (ZooKeeper, etcd) that leases node ids. A node may generate
 * only while it holds a lease, and leases expire by the service's clock. Each id's
 * record also keeps the highest timestamp its holders were allowed to use, written
 * to disk before the holder hears of it: the next holder of the id starts above it.
 * That is what keeps IDs unique when an id moves to another machine whose clock is
 * behind, or when a holder paused past its lease wakes and issues before it notices:
 * lease timing alone cannot (the lease-lock scenarios show why), as with fencing
 * tokens. Meituan's Leaf-snowflake keeps a worker id in ZooKeeper and reports its
 * time there every 3 s for the same reason (tech.meituan.com/2017/04/21/mt-leaf.html).
 *
 * Not the fencing-lock server: that one leases one named resource per request and
 * keeps nothing per resource beyond the lease; this one picks a free id out of the
 * pool in one request and keeps each id's reservation across holders.
 *
 * A free id is one never leased or whose lease has expired; the one with the lowest
 * reservation is chosen, so a new holder rarely has to wait for its floor. A holder
 * that asks again while it still holds a lease (it restarted) gets its id back.
 */
export function nodeIdLeaseService(options: { ids: number }): NodeModel<LeaseRequest> {
  if (!(Number.isInteger(options.ids) && options.ids >= 1 && options.ids <= MAX_NODE_ID + 1)) throw new ConfigError(`the lease service leases 1 to 1024 node ids, not ${options.ids}`);
  return (ctx) => {
    const recordOf = (nodeId: number) => ctx.disk.get<IdRecord>(`id:${nodeId}`);
    const save = (nodeId: number, record: IdRecord) => ctx.disk.set(`id:${nodeId}`, record);
    const held = (record: IdRecord | undefined) => record !== undefined && record.expiresAt > ctx.now();

    const choose = (holder: string): number | undefined => {
      let best: number | undefined;
      let bestReserved = Infinity;
      for (let nodeId = 0; nodeId < options.ids; nodeId++) {
        const record = recordOf(nodeId);
        if (held(record) && record!.holder === holder) return nodeId;
        if (held(record)) continue;
        const reserved = record?.reservedUntil ?? -1;
        if (reserved < bestReserved) [best, bestReserved] = [nodeId, reserved];
      }
      return best;
    };

    const answer = (request: LeaseRequest): LeaseReply => {
      if (request.op === 'acquire') {
        const nodeId = choose(request.holder);
        if (nodeId === undefined) return { op: 'acquire', granted: false };
        const floorMs = recordOf(nodeId)?.reservedUntil ?? -1;
        const token = (ctx.disk.get<number>('last-token') ?? 0) + 1;
        // Not max(floor, from) + ahead: a holder whose grants keep getting lost (a paused
        // service answers a pile of retries at once) would push its own floor ahead each time.
        const reservedUntil = Math.max(floorMs, request.fromMs + request.aheadMs);
        ctx.disk.set('last-token', token);
        save(nodeId, { holder: request.holder, token, expiresAt: ctx.now() + request.ttl, reservedUntil });
        snowflakeFact(ctx, 'node-id-leased', { nodeId, holder: request.holder, token, floorMs, reservedUntilMs: reservedUntil });
        ctx.annotate(() => ({ [`id ${nodeId}`]: `${request.holder} token ${token}` }));
        return { op: 'acquire', granted: true, nodeId, token, floorMs, reservedUntilMs: reservedUntil };
      }
      if (request.op !== 'renew') throw new Error(`the lease service got an unknown request: ${JSON.stringify(request)}`);
      const record = recordOf(request.nodeId);
      if (!(held(record) && record!.holder === request.holder && record!.token === request.token)) return { op: 'renew', ok: false };
      const reservedUntil = Math.max(record!.reservedUntil, request.fromMs + request.aheadMs);
      save(request.nodeId, { ...record!, expiresAt: ctx.now() + request.ttl, reservedUntil });
      return { op: 'renew', ok: true, reservedUntilMs: reservedUntil };
    };

    return { onMessage: (request, envelope) => ctx.reply(envelope, answer(request)) };
  };
}
