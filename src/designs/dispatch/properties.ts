import { formatDuration, formatTime, type Fact, type KernelFact, type Micros, type Property } from '../../kernel/index.js';
import { distance, type Fleet, type Point } from './city.js';
import type { DispatchFact } from './facts.js';
import { DispatchTruth } from './truth.js';

type DispatchProperty = Property<DispatchFact | KernelFact>;

const metres = (m: number) => `${Math.round(m).toLocaleString('en-US')} m`;

/**
 * One trip per driver (safety): from the moment a trip is assigned to a driver (the
 * store commits it: its rider is promised that driver) until the driver drops that
 * rider off, no other trip is assigned to the same driver. A second rider promised a
 * driver who is still driving the first is the double dispatch.
 */
export function oneTripPerDriver(): DispatchProperty {
  const onTrip = new Map<string, { trip: string; t: Micros; by: string }>();
  return {
    name: 'one-trip-per-driver',
    watches: ['trip-assigned', 'trip-ended'],
    observe(fact) {
      if (fact.kind === 'trip-ended') {
        if (onTrip.get(fact.data.driver)?.trip === fact.data.trip) onTrip.delete(fact.data.driver);
        return undefined;
      }
      if (fact.kind !== 'trip-assigned') return undefined;
      const current = onTrip.get(fact.data.driver);
      if (current === undefined) {
        onTrip.set(fact.data.driver, { trip: fact.data.trip, t: fact.t, by: fact.data.by });
        return undefined;
      }
      if (current.trip === fact.data.trip) return undefined;
      return {
        message: `${fact.data.driver} was assigned ${fact.data.trip} (by ${fact.data.by}) at ${formatTime(fact.t)} while still on ${current.trip}, assigned by ${current.by} at ${formatTime(current.t)}: two riders were promised the same driver`,
        nodes: [fact.data.driver, ...new Set([current.by, fact.data.by])],
      };
    },
  };
}

export interface LivenessBounds {
  /** A request must have an offer within this long of the later of its request and the last fault's end. */
  bound: Micros;
  /** How long a driver must have been available and within range, up to that deadline, for the request to count as servable. */
  hold: Micros;
  /** How near the rider (true distance) such a driver must have stayed. */
  range: number;
}

/**
 * Offer liveness (judged at the end of the run): take a request's deadline, `bound`
 * after the later of its request and the last fault's end. If by then its trip was
 * not assigned, and no driver was shown an offer for it during the `hold` before the
 * deadline, although some driver who had not turned it down was available (the store
 * held it for nothing, and it drove no rider) and truly within `range` of the rider
 * throughout that `hold`, the request
 * was left waiting with a driver at hand: a breach. Runs that end before a deadline
 * do not judge that request.
 */
export function offerLiveness(fleet: Fleet, limits: LivenessBounds): DispatchProperty {
  const requests = new Map<string, Point & { t: Micros; assigned: Micros | undefined; offers: Micros[]; declined: Set<string> }>();
  /** Per driver, at each write of its record or each trip it starts or ends: whether it was then available (the store holds it for nothing, and it drives no rider). */
  const changes = new Map<string, Array<[Micros, boolean]>>();
  const drivers = new Map<string, { held: boolean; driving: Set<string> }>();
  const change = (driver: string, t: Micros, apply: (d: { held: boolean; driving: Set<string> }) => void) => {
    let d = drivers.get(driver);
    if (d === undefined) drivers.set(driver, (d = { held: false, driving: new Set() }));
    apply(d);
    let list = changes.get(driver);
    if (list === undefined) changes.set(driver, (list = []));
    list.push([t, !d.held && d.driving.size === 0]);
  };

  const availableThroughout = (driver: string, from: Micros, to: Micros): boolean => {
    let before = true;
    for (const [t, available] of changes.get(driver) ?? []) {
      if (t <= from) before = available;
      else if (t <= to && !available) return false;
    }
    return before;
  };
  // Distance to a fixed point along a straight leg is greatest at one of its ends: checking every turn and both ends is exact.
  const withinThroughout = (driver: string, rider: Point, from: Micros, to: Micros): boolean =>
    [from, ...fleet.turnsBetween(driver, from, to), to].every((t) => distance(fleet.position(driver, t), rider) <= limits.range);

  return {
    name: 'offer-liveness',
    watches: ['trip-requested', 'offer-received', 'offer-declined', 'trip-assigned', 'trip-ended', 'driver-state'],
    observe(fact) {
      switch (fact.kind) {
        case 'trip-requested':
          requests.set(fact.data.trip, { x: fact.data.x, y: fact.data.y, t: fact.t, assigned: undefined, offers: [], declined: new Set() });
          break;
        case 'offer-received':
          requests.get(fact.data.trip)?.offers.push(fact.t);
          break;
        case 'offer-declined':
          requests.get(fact.data.trip)?.declined.add(fact.data.driver);
          break;
        case 'trip-assigned': {
          const request = requests.get(fact.data.trip);
          if (request && request.assigned === undefined) request.assigned = fact.t;
          const trip = fact.data.trip;
          change(fact.data.driver, fact.t, (d) => d.driving.add(trip));
          break;
        }
        case 'trip-ended': {
          const trip = fact.data.trip;
          change(fact.data.driver, fact.t, (d) => d.driving.delete(trip));
          break;
        }
        case 'driver-state': {
          const held = fact.data.state !== 'available';
          change(fact.data.driver, fact.t, (d) => (d.held = held));
          break;
        }
      }
      return undefined;
    },
    finish(end) {
      for (const [trip, request] of requests) {
        const deadline = Math.max(request.t, end.faultsOverAt) + limits.bound;
        if (deadline > end.t || (request.assigned !== undefined && request.assigned <= deadline)) continue;
        const from = deadline - limits.hold;
        if (request.offers.some((t) => t >= from && t <= deadline)) continue;
        const atHand = fleet.names.find((driver) => !request.declined.has(driver) && availableThroughout(driver, from, deadline) && withinThroughout(driver, request, from, deadline));
        if (atHand === undefined) continue;
        return {
          message:
            `${trip}, requested at ${formatTime(request.t)} from (${request.x}, ${request.y}), had no offer from ${formatTime(from)} to ${formatTime(deadline)} and was not assigned by then, ` +
            `although ${atHand} was available and within ${metres(limits.range)} of the rider all that time (deadline: ${formatDuration(limits.bound)} after the later of the request and the last fault's end, ${formatTime(end.faultsOverAt)})`,
          nodes: [atHand],
          at: deadline,
        };
      }
      return undefined;
    },
  };
}

/**
 * Pickup distance error within a bound: when a driver is held for an offer, its true
 * distance to the rider exceeds the nearest available driver's (one who had not
 * turned that trip down) by no more than `bound` metres. The error is what matching
 * on reported, stale positions costs; the summary reports it whether or not a
 * scenario bounds it.
 */
export function pickupErrorWithin(fleet: Fleet, cellSize: number, bound: number): DispatchProperty {
  const truth = new DispatchTruth(fleet, cellSize);
  return {
    name: 'pickup-distance-error',
    watches: ['trip-requested', 'trip-assigned', 'trip-ended', 'offer-declined', 'driver-state'],
    observe(fact) {
      const measured = truth.observe(fact as Fact<DispatchFact>);
      if (measured?.kind !== 'pickup' || measured.error <= bound) return undefined;
      return {
        message: `${measured.driver} was held for ${measured.trip} at ${formatTime(fact.t)}, truly ${metres(measured.matched)} from the rider, while an available driver was ${metres(measured.nearest)} away: ${metres(measured.error)} farther than needed (bound ${metres(bound)})`,
        nodes: [measured.driver],
      };
    },
  };
}

/**
 * Surge error within a bound: each multiplier a dispatcher quotes differs from the
 * one the true counts in the rider's cell give (open requests, and available drivers
 * truly in the cell, at that moment) by at most `bound`.
 */
export function surgeErrorWithin(fleet: Fleet, cellSize: number, bound: number): DispatchProperty {
  const truth = new DispatchTruth(fleet, cellSize);
  return {
    name: 'surge-error',
    watches: ['trip-requested', 'trip-assigned', 'trip-ended', 'driver-state', 'surge-quoted'],
    observe(fact) {
      const measured = truth.observe(fact as Fact<DispatchFact>);
      if (measured?.kind !== 'surge' || measured.error <= bound) return undefined;
      return {
        message: `${fact.node} quoted ${measured.trip} a surge of ×${measured.quoted} in cell ${measured.cell} at ${formatTime(fact.t)}; the true counts there give ×${measured.truth} (bound ${bound})`,
        nodes: [fact.node],
      };
    },
  };
}
