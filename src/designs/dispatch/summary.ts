import { formatDuration, type Fact, type Micros, type UntypedFact } from '../../kernel/index.js';
import type { Fleet } from './city.js';
import type { DispatchFact } from './facts.js';
import { DispatchTruth } from './truth.js';
import { mean, percentile } from '../stats.js';

export interface DispatchNumbers {
  requests: number;
  assigned: number;
  offers: number;
  /** Request to first offer on a phone, and request to assignment, per trip that got there (true time). */
  toOffer: Micros[];
  toAssign: Micros[];
  /** Per offer: how much farther the matched driver truly was than the nearest available one, metres. */
  pickupErrors: number[];
  /** Per quote: |quoted − true multiplier|. */
  surgeErrors: number[];
}

/** Folds a run's facts (of one system) into its dispatch numbers, measured on the true history. */
export class DispatchTally {
  private readonly truth: DispatchTruth;
  private readonly firstOffer = new Map<string, Micros>();
  private readonly numbers: DispatchNumbers = { requests: 0, assigned: 0, offers: 0, toOffer: [], toAssign: [], pickupErrors: [], surgeErrors: [] };

  constructor(fleet: Fleet, cellSize: number) {
    this.truth = new DispatchTruth(fleet, cellSize);
  }

  collect(fact: Fact<DispatchFact>): void {
    const n = this.numbers;
    const assignedBefore = fact.kind === 'trip-assigned' ? this.truth.requests.get(fact.data.trip)?.assignedAt : undefined;
    const measured = this.truth.observe(fact);
    if (measured?.kind === 'pickup') {
      n.offers++;
      n.pickupErrors.push(measured.error);
    } else if (measured?.kind === 'surge') n.surgeErrors.push(measured.error);
    if (fact.kind === 'trip-requested') n.requests++;
    else if (fact.kind === 'offer-received' && !this.firstOffer.has(fact.data.trip)) {
      const request = this.truth.requests.get(fact.data.trip);
      this.firstOffer.set(fact.data.trip, fact.t);
      if (request) n.toOffer.push(fact.t - request.at);
    } else if (fact.kind === 'trip-assigned' && assignedBefore === undefined) {
      const request = this.truth.requests.get(fact.data.trip);
      if (request) {
        n.assigned++;
        n.toAssign.push(fact.t - request.at);
      }
    }
  }

  result(): DispatchNumbers {
    return this.numbers;
  }
}


const time = (t: Micros | undefined) => (t === undefined ? '-' : formatDuration(t));
const metres = (m: number | undefined) => (m === undefined ? '-' : `${Math.round(m)} m`);

/** The run's one-line summary: requests served, how fast, and how far the matches and prices were from the truth. */
export function dispatchSummary(fleet: () => Fleet, cellSize: number) {
  let tally: DispatchTally | undefined;
  return {
    collect(fact: Fact<UntypedFact>) {
      tally ??= new DispatchTally(fleet(), cellSize);
      tally.collect(fact as unknown as Fact<DispatchFact>);
    },
    render(): string {
      if (tally === undefined) return 'no facts';
      const n = tally.result();
      return (
        `${n.requests} requests, ${n.assigned} assigned (to offer p50 ${time(percentile(n.toOffer, 50))}, to assignment p50 ${time(percentile(n.toAssign, 50))}, p99 ${time(percentile(n.toAssign, 99))}); ` +
        `${n.offers} offers, pickup error p50 ${metres(percentile(n.pickupErrors, 50))}, p99 ${metres(percentile(n.pickupErrors, 99))}, max ${metres(percentile(n.pickupErrors, 100))}; ` +
        `surge error mean ${(mean(n.surgeErrors) ?? 0).toFixed(2)}, max ${(percentile(n.surgeErrors, 100) ?? 0).toFixed(1)}`
      );
    },
  };
}
