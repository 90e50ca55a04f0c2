import { seconds, type Fact, type Micros } from '../../kernel/index.js';
import { distance, type Fleet, type Point } from './city.js';
import type { DispatchFact } from './facts.js';
import { cellOf, cellsAround, GridIndex } from './geo-index.js';
import { SURGE_RING, surgeMultiplier } from './surge.js';

/** A measurement the true history gives at a fact: how far off a match or a price really was. */
export type Measured =
  /** An offer: the matched driver's true distance to the rider, and the nearest available driver's. */
  | { kind: 'pickup'; trip: string; driver: string; t: Micros; matched: number; nearest: number; error: number }
  /** A quote: the multiplier quoted, and the one the true counts around the rider's cell give. */
  | { kind: 'surge'; trip: string; t: Micros; cell: string; quoted: number; truth: number; error: number };

export interface TrueRequest extends Point {
  at: Micros;
  assignedAt: Micros | undefined;
}

/**
 * What really holds at each moment, folded from the facts and the city's world
 * model: each driver's state as the store records it (every driver starts
 * available) and the trips it is driving (assigned, not yet ended), where each driver truly is (its path at the fact's true time), the
 * requests still open. From these it measures each offer's pickup distance error
 * and each quote's surge error. Properties and summaries each keep their own.
 */
/** How far apart in time the snapshot may be from a question before it is taken again. */
const SNAPSHOT_EVERY = seconds(5);

export class DispatchTruth {
  readonly requests = new Map<string, TrueRequest>();
  /** Drivers whose store record is not `available`. */
  private readonly held = new Set<string>();
  /** Trips assigned and not yet ended, per driver: a blind write can mark a driver available while it still drives. */
  private readonly driving = new Map<string, Set<string>>();
  private readonly declined = new Map<string, Set<string>>();

  /** Where every driver truly was at one moment (`at`), by cell, to find who can be near a point without visiting every driver. */
  private snapshot: { at: Micros; index: GridIndex<null> } | undefined;

  constructor(
    readonly fleet: Fleet,
    private readonly cellSize: number,
  ) {}

  /**
   * Calls `visit` with every driver that may truly be within `radius` of `point` at
   * time `t` (and some farther): those within `radius` plus the distance any driver
   * can cover between the snapshot and `t` of their place in the snapshot.
   */
  private near(point: Point, radius: number, t: Micros, visit: (driver: string) => void): void {
    if (this.snapshot === undefined || Math.abs(t - this.snapshot.at) > SNAPSHOT_EVERY) {
      const index = new GridIndex<null>(this.cellSize);
      for (const driver of this.fleet.names) {
        const at = this.fleet.position(driver, t);
        index.upsert(driver, at.x, at.y, null);
      }
      this.snapshot = { at: t, index };
    }
    const slack = (this.fleet.maxSpeed * Math.abs(t - this.snapshot.at)) / seconds(1);
    this.snapshot.index.within(point.x, point.y, radius + slack, (driver) => visit(driver));
  }

  /** Folds a fact in; returns what it measured, if the fact is an offer or a quote. */
  observe(fact: Fact<DispatchFact>): Measured | undefined {
    switch (fact.kind) {
      case 'trip-requested':
        this.requests.set(fact.data.trip, { x: fact.data.x, y: fact.data.y, at: fact.t, assignedAt: undefined });
        return undefined;
      case 'trip-assigned': {
        const request = this.requests.get(fact.data.trip);
        if (request && request.assignedAt === undefined) request.assignedAt = fact.t;
        let trips = this.driving.get(fact.data.driver);
        if (trips === undefined) this.driving.set(fact.data.driver, (trips = new Set()));
        trips.add(fact.data.trip);
        return undefined;
      }
      case 'trip-ended':
        this.driving.get(fact.data.driver)?.delete(fact.data.trip);
        return undefined;
      case 'offer-declined': {
        let drivers = this.declined.get(fact.data.trip);
        if (drivers === undefined) this.declined.set(fact.data.trip, (drivers = new Set()));
        drivers.add(fact.data.driver);
        return undefined;
      }
      case 'driver-state': {
        // Measured before the write: the matched driver was available a moment ago.
        const measured = fact.data.state === 'offered' && fact.data.trip !== null ? this.pickup(fact.data.trip, fact.data.driver, fact.t) : undefined;
        if (fact.data.state === 'available') this.held.delete(fact.data.driver);
        else this.held.add(fact.data.driver);
        return measured;
      }
      case 'surge-quoted':
        return this.surge(fact.data.trip, fact.data.cell, fact.data.multiplier, fact.t);
      default:
        return undefined;
    }
  }

  /** Free to be offered a trip: the store holds it for nothing, and it is driving no rider. */
  isAvailable(driver: string): boolean {
    return !this.held.has(driver) && !(this.driving.get(driver)?.size);
  }

  private pickup(trip: string, driver: string, t: Micros): Measured | undefined {
    const rider = this.requests.get(trip);
    if (rider === undefined || !this.fleet.has(driver)) return undefined;
    const matched = distance(this.fleet.position(driver, t), rider);
    const declined = this.declined.get(trip);
    let nearest = matched;
    this.near(rider, matched, t, (other) => {
      if (!this.isAvailable(other) || declined?.has(other)) return;
      const d = distance(this.fleet.position(other, t), rider);
      if (d < nearest) nearest = d;
    });
    return { kind: 'pickup', trip, driver, t, matched, nearest, error: matched - nearest };
  }

  private surge(trip: string, cell: string, quoted: number, t: Micros): Measured | undefined {
    const rider = this.requests.get(trip);
    if (rider === undefined) return undefined;
    const size = this.cellSize;
    const area = new Set(cellsAround(cellOf(rider.x, rider.y, size), SURGE_RING));
    let open = 0;
    for (const request of this.requests.values()) if (request.assignedAt === undefined && area.has(cellOf(request.x, request.y, size))) open++;
    let available = 0;
    const centre = { x: (Math.floor(rider.x / size) + 0.5) * size, y: (Math.floor(rider.y / size) + 0.5) * size };
    this.near(centre, (SURGE_RING + 0.5) * size * Math.SQRT2, t, (driver) => {
      if (!this.isAvailable(driver)) return;
      const at = this.fleet.position(driver, t);
      if (area.has(cellOf(at.x, at.y, size))) available++;
    });
    const truth = surgeMultiplier(open, available);
    return { kind: 'surge', trip, t, cell, quoted, truth, error: Math.round(Math.abs(quoted - truth) * 10) / 10 };
  }
}
