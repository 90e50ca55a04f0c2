import { sleep, type Envelope, type Micros, type NodeModel, type TimerHandle, type Workflow } from '../../kernel/index.js';
import { dispatchFact, type DriverState } from './facts.js';
import { cellName, cellOf, cellsAround, GridIndex, type CellKey } from './geo-index.js';
import type { LocationUpdate, Offer, OfferAnswer, OfferOutcome, RequestStatus, TripRequest } from './messages.js';
import { askStore, type StoreReply, type WriteMode } from './store.js';
import { SURGE_RING, surgeMultiplier } from './surge.js';

export interface DispatcherOptions {
  store: string;
  write: WriteMode;
  cellSize: number;
  /** How far from a rider a driver may be offered (by its last reported position). */
  searchRadius: number;
  /** A driver not heard from for this long is not offered (its position is too old to trust). */
  staleAfter: Micros;
  /** How long the store holds a driver for an offer (by the store's clock). */
  offerTtl: Micros;
  /** How long the dispatcher waits for a driver's answer (by its own clock) before freeing the driver. */
  answerWithin: Micros;
  /** With no driver to offer, how long before looking again. */
  rematchEvery: Micros;
  timeout: Micros;
}

/** What the index believes of a driver: what it last said it was doing, when that was heard (own clock), its update's number. */
interface Belief {
  state: DriverState | 'refused';
  heardAt: Micros;
  seq: number;
}

type Phase = 'open' | 'offering' | 'offered' | 'assigning' | 'assigned';

interface Request {
  trip: string;
  x: number;
  y: number;
  cell: CellKey;
  phase: Phase;
  /** Drivers who turned this trip down: not offered it again. */
  declined: Set<string>;
  /** The offer out (phases offered, assigning), with the timer that gives up on its answer. */
  offer: { id: string; driver: string; deadline: TimerHandle | undefined } | undefined;
  driver: string | null;
  /** The timer that looks again for a driver, while one is set. */
  rematch: TimerHandle | undefined;
}

/**
 * A dispatcher: owns one region of the city. It keeps a grid index of the drivers
 * that report to it (where they said they were, what they said they were doing),
 * takes its riders' requests, quotes each a surge price from the index's counts in
 * the rider's cell, and offers each trip to the nearest driver it believes
 * available, fresh and within the search radius, holding the driver at the store
 * first. A driver who takes the offer is assigned at the store; one who turns it
 * down, or does not answer in time, is freed and the trip offered again.
 *
 * With `write: 'blind'` every store write is applied unconditionally: the index is
 * trusted. With `compare-and-set` each is refused unless the driver's record is what
 * the step expects (available to hold it, held by this very offer to assign it).
 * Everything here is volatile: a restarted dispatcher learns drivers from their next
 * updates and requests from the riders asking again.
 */
export function dispatcher(options: DispatcherOptions): NodeModel {
  return (ctx) => {
    const generation = (ctx.disk.get<number>('generation') ?? 0) + 1;
    ctx.disk.set('generation', generation);
    let offersMade = 0;
    const index = new GridIndex<Belief>(options.cellSize);
    const requests = new Map<string, Request>();
    const offers = new Map<string, Request>();
    const held = new Set<string>();

    const show = () => {
      let open = 0;
      for (const r of requests.values()) if (r.phase !== 'assigned') open++;
      ctx.annotate({ open, offers: held.size });
    };
    const fresh = (belief: Belief, now: Micros) => now - belief.heardAt <= options.staleAfter;
    const store = (request: Parameters<typeof askStore>[1]) => askStore(options.store, request, options.timeout);

    /** The offer is over without an assignment: the driver is free (at the store too, best effort), the trip open again. */
    const withdraw = (r: Request) => {
      const offer = r.offer!;
      if (offer.deadline) ctx.cancelTimer(offer.deadline);
      held.delete(offer.driver);
      offers.delete(offer.id);
      r.offer = undefined;
      r.phase = 'open';
      ctx.spawn(
        (function* release(): Workflow {
          yield* store({ op: 'release', driver: offer.driver, offer: offer.id, write: options.write });
        })(),
      );
    };

    /** The surge multiplier for a new request, from this dispatcher's own open requests and the drivers its index believes free, around the rider's cell. */
    const quote = (r: Request) => {
      const now = ctx.now();
      const area = new Set(cellsAround(r.cell, SURGE_RING));
      let open = 0;
      for (const other of requests.values()) if (other.phase !== 'assigned' && area.has(other.cell)) open++;
      let available = 0;
      for (const cell of area) {
        for (const id of index.inCell(cell)) {
          const belief = index.get(id)!.value;
          if (belief.state === 'available' && fresh(belief, now) && !held.has(id)) available++;
        }
      }
      dispatchFact(ctx, 'surge-quoted', { trip: r.trip, cell: cellName(r.cell), multiplier: surgeMultiplier(open, available) });
    };

    const lookAgain = (r: Request) => {
      r.rematch ??= ctx.setTimer(options.rematchEvery, { rematch: r.trip });
    };

    /** Offers the trip to the nearest driver the index believes free, trying the next when the store refuses one. */
    function* match(r: Request): Workflow {
      while (r.phase === 'open' && requests.get(r.trip) === r) {
        const now = ctx.now();
        const found = index.nearest(r.x, r.y, options.searchRadius, (id, entry) => entry.value.state === 'available' && fresh(entry.value, now) && !held.has(id) && !r.declined.has(id));
        if (found === undefined) return lookAgain(r);
        const id = `${ctx.id}.${generation}.${++offersMade}`;
        r.phase = 'offering';
        held.add(found.id);
        const reply: StoreReply | undefined = yield* store({ op: 'offer', driver: found.id, trip: r.trip, offer: id, ttl: options.offerTtl, write: options.write });
        if (reply?.ok) {
          r.phase = 'offered';
          r.offer = { id, driver: found.id, deadline: ctx.setTimer(options.answerWithin, { unanswered: id }) };
          offers.set(id, r);
          ctx.send(found.id, { op: 'offer', offer: id, trip: r.trip, x: r.x, y: r.y } satisfies Offer);
          return show();
        }
        held.delete(found.id);
        r.phase = 'open';
        if (reply === undefined) {
          // No answer: the hold may have landed, and lapses by itself. Look again later.
          return lookAgain(r);
        }
        if (reply.reason === 'trip-assigned') {
          ctx.probe('request asked again after its trip was assigned');
          r.phase = 'assigned';
          r.driver = reply.assignedTo ?? null;
          return show();
        }
        // Refused: the driver is not free. Believe the store until the driver says otherwise.
        const entry = index.get(found.id);
        if (entry) entry.value = { ...entry.value, state: 'refused' };
      }
    }

    function* assign(r: Request): Workflow {
      const offer = r.offer!;
      for (;;) {
        const reply = yield* store({ op: 'assign', driver: offer.driver, trip: r.trip, offer: offer.id, write: options.write });
        if (r.offer !== offer) return;
        if (reply === undefined) {
          yield* sleep(options.rematchEvery);
          continue;
        }
        if (reply.ok) {
          held.delete(offer.driver);
          offers.delete(offer.id);
          r.offer = undefined;
          r.phase = 'assigned';
          r.driver = offer.driver;
          const entry = index.get(offer.driver);
          if (entry) entry.value = { ...entry.value, state: 'on-trip' };
          ctx.send(offer.driver, { op: 'confirm', offer: offer.id, trip: r.trip } satisfies OfferOutcome);
        } else {
          ctx.send(offer.driver, { op: 'cancel', offer: offer.id, trip: r.trip } satisfies OfferOutcome);
          held.delete(offer.driver);
          offers.delete(offer.id);
          r.offer = undefined;
          r.phase = 'open';
          yield* match(r);
        }
        return show();
      }
    }

    const sweep = () => {
      const now = ctx.now();
      for (const [id, entry] of index.all()) if (!fresh(entry.value, now) && !held.has(id)) index.remove(id);
      ctx.annotate({ drivers: index.size });
      ctx.setTimer(options.staleAfter, 'sweep');
    };
    ctx.setTimer(options.staleAfter, 'sweep');

    return {
      onMessage(message: LocationUpdate | TripRequest | OfferAnswer | StoreReply, envelope: Envelope) {
        switch (message.op) {
          case 'location': {
            const known = index.get(message.driver);
            if (known !== undefined && known.value.seq >= message.seq) return;
            index.upsert(message.driver, message.x, message.y, { state: message.state, heardAt: ctx.now(), seq: message.seq });
            return;
          }
          case 'request': {
            let r = requests.get(message.trip);
            if (r === undefined) {
              r = { trip: message.trip, x: message.x, y: message.y, cell: cellOf(message.x, message.y, options.cellSize), phase: 'open', declined: new Set(), offer: undefined, driver: null, rematch: undefined };
              requests.set(message.trip, r);
              quote(r);
              ctx.spawn(match(r));
              show();
            }
            ctx.reply(envelope, { op: 'request-status', trip: message.trip, status: r?.phase === 'assigned' ? 'assigned' : 'open', driver: r?.driver ?? null } satisfies RequestStatus);
            return;
          }
          case 'answer': {
            const r = offers.get(message.offer);
            if (r === undefined || r.offer?.id !== message.offer) {
              // An answer to an offer already given up on: the driver must not wait for it.
              if (message.accept) {
                ctx.probe('late acceptance withdrawn');
                ctx.send(envelope.from, { op: 'cancel', offer: message.offer, trip: message.trip } satisfies OfferOutcome);
              }
              return;
            }
            if (r.phase !== 'offered') return;
            if (!message.accept) {
              r.declined.add(r.offer.driver);
              withdraw(r);
              ctx.spawn(match(r));
              return show();
            }
            ctx.cancelTimer(r.offer.deadline!);
            r.offer.deadline = undefined;
            r.phase = 'assigning';
            ctx.spawn(assign(r));
            return;
          }
        }
      },
      onTimer(tag: 'sweep' | { rematch: string } | { unanswered: string }) {
        if (tag === 'sweep') return sweep();
        if ('rematch' in tag) {
          const r = requests.get(tag.rematch)!;
          r.rematch = undefined;
          if (r.phase === 'open') ctx.spawn(match(r));
          return;
        }
        const r = offers.get(tag.unanswered);
        if (r?.phase !== 'offered' || r.offer?.id !== tag.unanswered) return;
        ctx.probe('offer went unanswered');
        withdraw(r);
        ctx.spawn(match(r));
        show();
      },
    };
  };
}
