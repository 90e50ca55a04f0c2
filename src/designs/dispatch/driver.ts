import { sleep, type Envelope, type Micros, type NodeModel, type Workflow } from '../../kernel/index.js';
import { reportRegions, type CityPlan, type Fleet } from './city.js';
import { dispatchFact, type DriverState } from './facts.js';
import type { LocationUpdate, Offer, OfferAnswer, OfferOutcome } from './messages.js';
import { askStore, type StoreReply } from './store.js';

/** How drivers behave: time to look at an offer, how often they take one, how long a trip lasts. */
export interface DriverBehaviour {
  think: [Micros, Micros];
  acceptRate: number;
  trip: [Micros, Micros];
}

export interface DriverOptions {
  fleet: Fleet;
  city: CityPlan;
  /** The dispatcher of each region, by region. */
  dispatchers: readonly string[];
  store: string;
  updateEvery: Micros;
  behaviour: DriverBehaviour;
  /** How long a driver who took an offer waits for the dispatcher's word before asking the store. */
  confirmWait: Micros;
  timeout: Micros;
}

/** An offer on the phone: being looked at, or taken and waiting for the dispatcher's confirmation. */
interface Shown {
  trip: string;
  dispatcher: string;
  taken: boolean;
}

/**
 * A driver's phone. Every update interval it sends where it is (its location fix:
 * the city's path read at the phone's own clock) and what it is doing to the
 * dispatchers around it. An offer is looked at for a while, then taken or turned
 * down; one that comes while the driver is on a trip is turned down at once. A
 * taken offer with no word from the dispatcher is looked up at the store, and taken
 * again while the store still holds the driver for it. A confirmed trip is driven to
 * its end and completed at the store, and the phone reports at once that it is
 * free. After a restart the phone asks the store what it was doing and resumes a
 * trip it was on.
 *
 * The phone does not refuse a second offer while it looks at a first: it answers
 * each as the driver decides, even if another was taken meanwhile (a driver can be
 * shown two, and take both). Whether that can put it on two trips is up to the
 * dispatchers' writes.
 */
export function driver(options: DriverOptions): NodeModel {
  return (ctx) => {
    const generation = (ctx.disk.get<number>('generation') ?? 0) + 1;
    ctx.disk.set('generation', generation);
    let updates = 0;
    const driving = new Set<string>();
    const finished = new Set<string>();
    const shown = new Map<string, Shown>();
    const seen = new Set<string>();

    const state = (): DriverState => (driving.size > 0 ? 'on-trip' : shown.size > 0 ? 'offered' : 'available');
    const show = () => ctx.annotate(() => ({ state: driving.size > 0 ? `on ${[...driving].join(', ')}` : shown.size > 0 ? `offered ${[...shown.values()].map((s) => s.trip).join(', ')}` : 'available' }));

    /** Where the phone is (its fix, at its own clock) and what it is doing, to the dispatchers of the regions around it. */
    const report = () => {
      const at = options.fleet.position(ctx.id, ctx.now());
      const update: LocationUpdate = { op: 'location', driver: ctx.id, x: Math.round(at.x), y: Math.round(at.y), state: state(), seq: generation * 2 ** 32 + ++updates };
      for (const region of reportRegions(options.city, at.x)) ctx.send(options.dispatchers[region]!, update);
    };

    const answer = (to: string, offer: string, trip: string, accept: boolean) => {
      if (!accept) dispatchFact(ctx, 'offer-declined', { offer, trip, driver: ctx.id });
      ctx.send(to, { op: 'answer', offer, trip, accept } satisfies OfferAnswer);
    };

    const startTrip = (trip: string) => {
      if (driving.has(trip) || finished.has(trip)) return;
      driving.add(trip);
      ctx.setTimer(ctx.random.int(...options.behaviour.trip), { arrive: trip });
      show();
    };

    /** Asks the store until it answers. */
    function* status(): Generator<any, StoreReply, any> {
      for (;;) {
        const reply = yield* askStore(options.store, { op: 'status', driver: ctx.id }, options.timeout);
        if (reply) return reply;
        yield* sleep(options.timeout);
      }
    }

    if (generation > 1) {
      ctx.spawn(
        (function* resume(): Workflow {
          const { record } = yield* status();
          if (record.state === 'on-trip' && record.trip !== null && !driving.has(record.trip)) {
            ctx.probe('driver resumed its trip after a restart');
            startTrip(record.trip);
          }
        })(),
      );
    }

    /** A confirmation the phone cannot place (it restarted since the offer): the store says whether the trip is this driver's. */
    function* confirmFromStore(trip: string): Workflow {
      const { record } = yield* status();
      if (record.state === 'on-trip' && record.trip === trip) startTrip(trip);
    }

    /** Taken, and no word from the dispatcher: the store knows whether the trip was assigned. */
    function* checkTaken(offer: string): Workflow {
      const taken = shown.get(offer);
      if (taken === undefined) return;
      const reply = yield* askStore(options.store, { op: 'status', driver: ctx.id }, options.timeout);
      if (shown.get(offer) !== taken) return;
      if (reply?.record.state === 'on-trip' && reply.record.offer === offer) {
        ctx.probe('confirmation lost: the trip was found in the store');
        shown.delete(offer);
        startTrip(taken.trip);
      } else if (reply === undefined || (reply.record.state === 'offered' && reply.record.offer === offer)) {
        // Still held for this offer: the acceptance may have been lost on the way. Say it again (an app retries its request).
        if (reply !== undefined) ctx.send(taken.dispatcher, { op: 'answer', offer, trip: taken.trip, accept: true } satisfies OfferAnswer);
        ctx.setTimer(options.confirmWait, { waiting: offer });
      } else {
        ctx.probe('taken offer lapsed');
        shown.delete(offer);
        show();
      }
    }

    ctx.setTimer(ctx.random.int(0, options.updateEvery), 'locate');

    return {
      onMessage(message: Offer | OfferOutcome, envelope: Envelope) {
        switch (message.op) {
          case 'offer': {
            if (seen.has(message.offer)) return;
            seen.add(message.offer);
            dispatchFact(ctx, 'offer-received', { offer: message.offer, trip: message.trip, driver: ctx.id });
            if (driving.size > 0) return answer(envelope.from, message.offer, message.trip, false);
            shown.set(message.offer, { trip: message.trip, dispatcher: envelope.from, taken: false });
            ctx.setTimer(ctx.random.int(...options.behaviour.think), { decide: message.offer });
            return show();
          }
          case 'confirm': {
            const offer = shown.get(message.offer);
            shown.delete(message.offer);
            if (offer !== undefined) startTrip(message.trip);
            else if (!driving.has(message.trip) && !finished.has(message.trip)) ctx.spawn(confirmFromStore(message.trip));
            return;
          }
          case 'cancel':
            shown.delete(message.offer);
            return show();
        }
      },
      onTimer(tag: 'locate' | { decide: string } | { waiting: string } | { arrive: string }) {
        if (tag === 'locate') {
          report();
          ctx.setTimer(options.updateEvery, 'locate');
        } else if ('decide' in tag) {
          const offer = shown.get(tag.decide);
          if (offer === undefined) return;
          const accept = ctx.random.chance(options.behaviour.acceptRate);
          if (accept) {
            offer.taken = true;
            ctx.setTimer(options.confirmWait, { waiting: tag.decide });
          } else shown.delete(tag.decide);
          answer(offer.dispatcher, tag.decide, offer.trip, accept);
          show();
        } else if ('waiting' in tag) {
          ctx.spawn(checkTaken(tag.waiting));
        } else {
          driving.delete(tag.arrive);
          finished.add(tag.arrive);
          dispatchFact(ctx, 'trip-ended', { trip: tag.arrive, driver: ctx.id });
          show();
          const trip = tag.arrive;
          ctx.spawn(
            (function* complete(): Workflow {
              while ((yield* askStore(options.store, { op: 'complete', driver: ctx.id, trip }, options.timeout)) === undefined) yield* sleep(options.timeout);
              // Free again: say so now rather than at the next report, as driver apps push a change of status at once.
              if (driving.size === 0) report();
            })(),
          );
        }
      },
    };
  };
}
