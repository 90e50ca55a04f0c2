import { ConfigError, ms, type Envelope, type Micros, type NodeModel } from '../../kernel/index.js';
import { snowflakeFact, type RefusalReason } from './facts.js';
import { ClockMovedBackwardsError, NotReservedError, SnowflakeGenerator, type Arithmetic, type BackwardsPolicy, type Reservation } from './generator.js';
import { DiskHighWater } from './high-water.js';
import { checkLeaseTiming, holdNodeIdLease, leaseRefusal, leaseReservation, type Lease, type LeaseTiming } from './lease-holder.js';

/**
 * The Unix time (ms) a node's clock reads at true time 0 with no offset: the seed's
 * example timestamp, 2023-11-13T18:26:40Z, so IDs have their real size.
 */
export const UNIX_MS_AT_START = 1_699_900_000_000;

export type IdRequest = { op: 'next-ids'; count: number };
export type IdReply = { op: 'ids'; ids: string[]; refused: number; reason?: RefusalReason };

export interface GeneratorPolicy {
  backwards: BackwardsPolicy;
  arithmetic: Arithmetic;
  /** Persist a high-water mark, this many ms ahead at a time (see `DiskHighWater`); none if absent. */
  highWaterBlockMs?: number;
}

/** Where a node's id comes from: its configuration (static, MAC hash, pod ordinal: all fixed), or a lease. */
export type NodeIdSource =
  | { kind: 'fixed'; nodeId: number }
  /** `floor: false` ignores the id's floor when the lease is granted: a broken variant, to show the floor is needed. */
  | { kind: 'lease'; timing: LeaseTiming; floor: boolean };

/**
 * An ID service node: it answers `next-ids` requests with IDs from its generator,
 * one request at a time (the generator's lock), in the order they arrived. A
 * request the generator refuses part-way is answered with the IDs it got and the
 * count refused. The generator reads the node's own clock.
 *
 * With a lease, a new generator starts with each lease (its node id), resuming after
 * the later of the previous generator's last timestamp, the persisted high-water
 * mark and the lease's floor; it may use only the lease's reserved timestamps.
 *
 * Facts: `id-issued`, `id-refused`, `id-wait`.
 */
export function snowflakeNode(policy: GeneratorPolicy, source: NodeIdSource): NodeModel<IdRequest> {
  if (policy.highWaterBlockMs !== undefined && !(policy.highWaterBlockMs >= 1)) throw new ConfigError('highWaterBlockMs must be at least 1');
  if (source.kind === 'lease') checkLeaseTiming(source.timing);
  return (ctx) => {
    const clock = (): Micros => ms(UNIX_MS_AT_START) + ctx.now();
    const clockMs = () => Math.floor(clock() / 1000);
    const highWater = policy.highWaterBlockMs === undefined ? undefined : new DiskHighWater(ctx.disk, policy.highWaterBlockMs);
    let generator: SnowflakeGenerator | undefined;

    const startGenerator = (nodeId: number, floorMs: number, reservations: Reservation[]) => {
      generator = new SnowflakeGenerator(nodeId, clock, {
        backwards: policy.backwards,
        arithmetic: policy.arithmetic,
        reservations: highWater ? [...reservations, highWater] : reservations,
        resumeAfter: Math.max(generator?.lastTimestamp ?? -1, highWater?.mark ?? -1, floorMs),
        onWait: (reason, behindMs) => {
          if (reason === 'clock-backwards') ctx.probe('waited out a clock that stepped back');
          snowflakeFact(ctx, 'id-wait', { reason, behindMs, clockMs: clockMs() });
        },
      });
      ctx.annotate({ nodeId });
    };

    let lease: Lease | undefined;
    if (source.kind === 'fixed') startGenerator(source.nodeId, -1, []);
    else {
      const fromMs = () => Math.max(clockMs(), generator?.lastTimestamp ?? -1);
      holdNodeIdLease(ctx, source.timing, fromMs, (granted) => {
        lease = granted;
        startGenerator(granted.nodeId, source.floor ? granted.floorMs : -1, [leaseReservation(granted)]);
      });
    }

    function* answer(envelope: Envelope<IdRequest>) {
      const { count } = envelope.body;
      const ids: string[] = [];
      let reason: RefusalReason | undefined;
      while (ids.length < count && reason === undefined) {
        const current = generator;
        if (current === undefined) {
          reason = 'no-lease';
          break;
        }
        // Every timestamp from the clock's reading on would be refused: say so without generating.
        // (The generator's reservation check stays the authority; this spares building an exception per refusal.)
        reason = lease && leaseRefusal(lease, clockMs());
        if (reason !== undefined) break;
        try {
          const id = (yield* current.generate()).toString();
          ids.push(id);
          snowflakeFact(ctx, 'id-issued', { id, nodeId: current.nodeId, clockMs: clockMs() });
          ctx.annotate(() => ({ issuing: `node id ${current.nodeId}, sequence ${current.sequence}, its clock ${clockMs()} ms` }));
        } catch (error) {
          if (error instanceof ClockMovedBackwardsError) reason = 'clock-backwards';
          else if (error instanceof NotReservedError) reason = error.reason;
          else throw error;
        }
      }
      const refused = count - ids.length;
      if (reason !== undefined) snowflakeFact(ctx, 'id-refused', { count: refused, reason, clockMs: clockMs() });
      if (generator) ctx.annotate({ lastTimestamp: generator.lastTimestamp, sequence: generator.sequence });
      ctx.reply(envelope, { op: 'ids', ids, refused, ...(reason && { reason }) } satisfies IdReply);
    }

    const waiting: Envelope<IdRequest>[] = [];
    let serving = false;
    function* serve() {
      serving = true;
      while (waiting.length > 0) yield* answer(waiting.shift()!);
      serving = false;
    }

    return {
      onMessage(message, envelope) {
        // A lease reply that came after its call timed out lands here too: it is not a request.
        if (message.op !== 'next-ids') return;
        waiting.push(envelope);
        if (!serving) ctx.spawn(serve());
      },
    };
  };
}
