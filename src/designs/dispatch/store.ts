import { call, type Envelope, type Micros, type NodeModel } from '../../kernel/index.js';
import { dispatchFact, type DriverState } from './facts.js';

/** A driver's record: its state, the trip and offer it is held for, and (offered) when the offer lapses by the store's clock. */
export interface DriverRecord {
  state: DriverState;
  trip: string | null;
  offer: string | null;
  expires: Micros | null;
}

/**
 * How a dispatcher writes a driver's state. `compare-and-set`: each write names the
 * state it expects and is refused if the record moved on (a conditional write, as
 * DynamoDB's ConditionExpression or a Redis script checking before it sets). `blind`:
 * the write is applied whatever the record holds — the dispatcher trusts its index.
 */
export type WriteMode = 'compare-and-set' | 'blind';

export type StoreRequest =
  /** Hold `driver` for `trip` under `offer` for `ttl` (the store's clock). */
  | { op: 'offer'; driver: string; trip: string; offer: string; ttl: Micros; write: WriteMode }
  /** The driver took `offer`: it is on `trip`, and the trip is promised to the rider. */
  | { op: 'assign'; driver: string; trip: string; offer: string; write: WriteMode }
  /** `offer` was declined or went unanswered: the driver is free again. */
  | { op: 'release'; driver: string; offer: string; write: WriteMode }
  /** The driver dropped the rider of `trip` off (the driver's own write: conditional in every variant). */
  | { op: 'complete'; driver: string; trip: string }
  | { op: 'status'; driver: string };

export type StoreReply = {
  op: 'stored';
  ok: boolean;
  /** Why a conditional write was refused. */
  reason?: 'busy' | 'trip-assigned' | 'stale-offer';
  record: DriverRecord;
  /** The driver a trip already went to (reason `trip-assigned`). */
  assignedTo?: string;
};

const AVAILABLE: DriverRecord = { state: 'available', trip: null, offer: null, expires: null };

/**
 * The driver-state store: one record per driver and one per assigned trip, each
 * write synced to disk before the answer (the system of record; its replication is
 * not the question here). Records are read back lazily after a restart.
 */
export function driverStore(): NodeModel<StoreRequest> {
  return (ctx) => {
    const records = new Map<string, DriverRecord>();
    const recordOf = (driver: string): DriverRecord => {
      let record = records.get(driver);
      if (record === undefined) records.set(driver, (record = ctx.disk.get<DriverRecord>(`driver:${driver}`) ?? AVAILABLE));
      return record;
    };
    const write = (driver: string, record: DriverRecord, by: string) => {
      records.set(driver, record);
      ctx.disk.set(`driver:${driver}`, record);
      dispatchFact(ctx, 'driver-state', { driver, state: record.state, trip: record.trip, offer: record.offer, by });
      ctx.annotate(() => ({ [driver]: record.state === 'available' ? null : `${record.state} ${record.trip}` }));
    };
    const assignedTo = (trip: string) => ctx.disk.get<string>(`trip:${trip}`);
    const assign = (request: Extract<StoreRequest, { op: 'assign' }>, by: string) => {
      write(request.driver, { state: 'on-trip', trip: request.trip, offer: request.offer, expires: null }, by);
      ctx.disk.set(`trip:${request.trip}`, request.driver);
      dispatchFact(ctx, 'trip-assigned', { trip: request.trip, driver: request.driver, offer: request.offer, by });
    };

    const handle = (request: StoreRequest, by: string): StoreReply => {
      const record = recordOf(request.driver);
      const answer = (ok: boolean, reason?: StoreReply['reason']): StoreReply => ({ op: 'stored', ok, reason, record: recordOf(request.driver) });
      switch (request.op) {
        case 'status':
          return answer(true);
        case 'offer': {
          if (request.write === 'compare-and-set') {
            const holder = assignedTo(request.trip);
            if (holder !== undefined) return { ...answer(false, 'trip-assigned'), assignedTo: holder };
            if (record.state === 'offered' && record.offer === request.offer) return answer(true);
            if (record.state === 'offered' && record.expires! <= ctx.now()) {
              ctx.probe('expired offer reclaimed');
              write(request.driver, AVAILABLE, ctx.id);
            } else if (record.state !== 'available') {
              ctx.probe('offer refused: driver not available');
              return answer(false, 'busy');
            }
          }
          write(request.driver, { state: 'offered', trip: request.trip, offer: request.offer, expires: ctx.now() + request.ttl }, by);
          return answer(true);
        }
        case 'assign': {
          if (request.write === 'compare-and-set') {
            if (record.state === 'on-trip' && record.offer === request.offer) return answer(true);
            if (!(record.state === 'offered' && record.offer === request.offer && record.expires! > ctx.now()) || assignedTo(request.trip) !== undefined) {
              ctx.probe('assignment refused: the offer is no longer current');
              return answer(false, 'stale-offer');
            }
          }
          assign(request, by);
          return answer(true);
        }
        case 'release': {
          if (request.write === 'compare-and-set' && !(record.state === 'offered' && record.offer === request.offer)) return answer(false, 'stale-offer');
          write(request.driver, AVAILABLE, by);
          return answer(true);
        }
        case 'complete': {
          if (!(record.state === 'on-trip' && record.trip === request.trip)) {
            ctx.probe('repeated completion ignored');
            return answer(true);
          }
          write(request.driver, AVAILABLE, by);
          return answer(true);
        }
      }
    };

    return {
      onMessage(request: StoreRequest, envelope: Envelope) {
        ctx.reply(envelope, handle(request, envelope.from));
      },
    };
  };
}

/** Asks the store, from a workflow: the reply, or undefined if none came in time. */
export function* askStore(store: string, request: StoreRequest, timeout: Micros): Generator<any, StoreReply | undefined, any> {
  const reply = yield* call<StoreReply>(store, request, timeout);
  return reply.ok ? reply.body : undefined;
}
