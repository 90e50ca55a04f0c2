import { describe, expect, it } from 'vitest';
import { seconds, type Fact, type KernelFact, type Micros, type Property, type RunEnd } from '../../src/kernel/index.js';
import { Fleet } from '../../src/designs/dispatch/city.js';
import type { DispatchFact, DriverState } from '../../src/designs/dispatch/facts.js';
import { offerLiveness, oneTripPerDriver, pickupErrorWithin, surgeErrorWithin } from '../../src/designs/dispatch/properties.js';

type F = DispatchFact | KernelFact;
type Step = { t: Micros; node?: string } & DispatchFact;

/** Feeds a hand-built history to a property; returns the first breach's message, or undefined. */
function judge(property: Property<F>, history: Step[], end?: RunEnd): string | undefined {
  for (const { t, node, ...fact } of history) {
    if (property.watches && !property.watches.includes(fact.kind)) continue;
    const breach = property.observe?.({ ...fact, t, node: node ?? 'store' } as Fact<F>);
    if (breach) return breach.message;
  }
  return end ? property.finish?.(end)?.message : undefined;
}

const requested = (t: Micros, trip: string, x: number, y: number): Step => ({ t, node: 'rider-1', kind: 'trip-requested', data: { trip, rider: 'rider-1', x, y } });
const assigned = (t: Micros, trip: string, driver: string, by = 'dispatcher-1'): Step => ({ t, kind: 'trip-assigned', data: { trip, driver, offer: `${by}.1.1`, by } });
const ended = (t: Micros, trip: string, driver: string): Step => ({ t, node: driver, kind: 'trip-ended', data: { trip, driver } });
const state = (t: Micros, driver: string, s: DriverState, trip: string | null = null): Step => ({ t, kind: 'driver-state', data: { driver, state: s, trip, offer: trip && `o-${trip}`, by: 'dispatcher-1' } });
const received = (t: Micros, trip: string, driver: string): Step => ({ t, node: driver, kind: 'offer-received', data: { offer: `o-${trip}`, trip, driver } });
const declined = (t: Micros, trip: string, driver: string): Step => ({ t, node: driver, kind: 'offer-declined', data: { offer: `o-${trip}`, trip, driver } });
const quoted = (t: Micros, trip: string, multiplier: number): Step => ({ t, node: 'dispatcher-1', kind: 'surge-quoted', data: { trip, cell: '0:0', multiplier } });

describe('one-trip-per-driver', () => {
  it('a driver may take trips one after another, and the same assignment twice is one trip', () => {
    expect(judge(oneTripPerDriver(), [assigned(seconds(1), 't1', 'driver-1'), assigned(seconds(1), 't1', 'driver-1'), ended(seconds(5), 't1', 'driver-1'), assigned(seconds(6), 't2', 'driver-1', 'dispatcher-2')])).toBeUndefined();
    expect(judge(oneTripPerDriver(), [assigned(seconds(1), 't1', 'driver-1'), assigned(seconds(2), 't2', 'driver-2')])).toBeUndefined();
  });

  it('a second trip assigned before the first ended is a breach, whoever assigned it', () => {
    expect(judge(oneTripPerDriver(), [assigned(seconds(1), 't1', 'driver-1'), assigned(seconds(2), 't2', 'driver-1', 'dispatcher-2')])).toMatch(/driver-1 was assigned t2 \(by dispatcher-2\) at 2.000000s while still on t1, assigned by dispatcher-1/);
    // The end of another driver's trip, or of another trip, frees nothing.
    expect(judge(oneTripPerDriver(), [assigned(seconds(1), 't1', 'driver-1'), ended(seconds(2), 't9', 'driver-1'), ended(seconds(2), 't1', 'driver-2'), assigned(seconds(3), 't2', 'driver-1')])).toMatch(/while still on t1/);
  });
});

describe('offer-liveness', () => {
  const limits = { bound: seconds(10), hold: seconds(5), range: 1_000 };
  /** driver-1 parked 500 m from the rider; driver-2 drives away from the rider from 3 s; driver-3 far off. */
  const fleet = Fleet.fromWaypoints({
    'driver-1': [[0, 500, 0]],
    'driver-2': [[0, 300, 0], [seconds(3), 300, 0], [seconds(6), 2_000, 0]],
    'driver-3': [[0, 5_000, 5_000]],
  });
  const end = (t: Micros, faultsOverAt: Micros = 0): RunEnd => ({ t, faultsOverAt });
  const request = requested(seconds(1), 't1', 0, 0);

  it('a request left without an offer while a free driver stayed within range until its deadline is a breach', () => {
    expect(judge(offerLiveness(fleet, limits), [request], end(seconds(20)))).toMatch(/t1, requested at 1.000000s .* had no offer from 6.000000s to 11.000000s .* although driver-1 was available and within 1,000 m/);
    // The deadline counts from the end of the last fault.
    expect(judge(offerLiveness(fleet, limits), [request], end(seconds(17), seconds(8)))).toBeUndefined();
    expect(judge(offerLiveness(fleet, limits), [request], end(seconds(30), seconds(8)))).toMatch(/had no offer from 13.000000s to 18.000000s/);
  });

  it('an offer within the hold, or an assignment by the deadline, serves the request', () => {
    expect(judge(offerLiveness(fleet, limits), [request, received(seconds(7), 't1', 'driver-3')], end(seconds(20)))).toBeUndefined();
    expect(judge(offerLiveness(fleet, limits), [request, received(seconds(2), 't1', 'driver-3')], end(seconds(20)))).toMatch(/had no offer/);
    expect(judge(offerLiveness(fleet, limits), [request, assigned(seconds(9), 't1', 'driver-3')], end(seconds(20)))).toBeUndefined();
  });

  it('no breach when no driver was free and near the whole time, or the driver had turned the trip down', () => {
    // driver-1 held for another trip during the hold; driver-2 left the range at about 4.2 s, before the hold began.
    expect(judge(offerLiveness(fleet, limits), [request, state(seconds(8), 'driver-1', 'offered', 't9')], end(seconds(20)))).toBeUndefined();
    expect(judge(offerLiveness(fleet, limits), [request, declined(seconds(2), 't1', 'driver-1')], end(seconds(20)))).toBeUndefined();
    // Marked available by a blind write while still driving a rider: not free.
    expect(judge(offerLiveness(fleet, limits), [assigned(0, 't0', 'driver-1'), state(seconds(2), 'driver-1', 'available'), request], end(seconds(20)))).toBeUndefined();
    expect(judge(offerLiveness(fleet, limits), [assigned(0, 't0', 'driver-1'), ended(seconds(5), 't0', 'driver-1'), state(seconds(5), 'driver-1', 'available'), request], end(seconds(20)))).toMatch(/driver-1 was available/);
  });

  it('judges only the requests whose deadline falls inside the run', () => {
    expect(judge(offerLiveness(fleet, limits), [request], end(seconds(10)))).toBeUndefined();
  });
});

describe('pickup-distance-error', () => {
  const fleet = Fleet.fromWaypoints({ 'driver-1': [[0, 100, 0]], 'driver-2': [[0, 900, 0]], 'driver-3': [[0, 300, 0]] });
  const request = requested(0, 't1', 0, 0);

  it('an offer to a driver truly farther than the nearest free one by more than the bound is a breach', () => {
    expect(judge(pickupErrorWithin(fleet, 500, 500), [request, state(seconds(1), 'driver-2', 'offered', 't1')])).toMatch(/driver-2 was held for t1 .* truly 900 m from the rider, while an available driver was 100 m away: 800 m farther than needed \(bound 500 m\)/);
    expect(judge(pickupErrorWithin(fleet, 500, 1_000), [request, state(seconds(1), 'driver-2', 'offered', 't1')])).toBeUndefined();
    expect(judge(pickupErrorWithin(fleet, 500, 0), [request, state(seconds(1), 'driver-1', 'offered', 't1')])).toBeUndefined();
  });

  it('drivers held for other trips, driving, or who turned this trip down are not the nearest free one', () => {
    const busy = [request, state(0, 'driver-1', 'offered', 't9'), assigned(0, 't8', 'driver-3'), state(seconds(1), 'driver-2', 'offered', 't1')];
    expect(judge(pickupErrorWithin(fleet, 500, 0), busy)).toBeUndefined();
    expect(judge(pickupErrorWithin(fleet, 500, 100), [request, declined(0, 't1', 'driver-1'), state(seconds(1), 'driver-2', 'offered', 't1')])).toMatch(/an available driver was 300 m away/);
  });
});

describe('surge-error', () => {
  // Cells of 500 m, priced with their neighbours: drivers 1 and 2 in cell 0:0 with the riders, driver-3 three cells away.
  const fleet = Fleet.fromWaypoints({ 'driver-1': [[0, 100, 100]], 'driver-2': [[0, 700, 200]], 'driver-3': [[0, 1_700, 100]] });

  it('a quote off by more than the bound from what the true counts in the cell give is a breach', () => {
    // Four open requests, two free drivers around the cell: ×2.
    const open = [requested(0, 't1', 50, 50), requested(0, 't2', 60, 60), requested(0, 't3', 70, 70), requested(0, 't4', 80, 80)];
    expect(judge(surgeErrorWithin(fleet, 500, 0.5), [...open, quoted(seconds(1), 't4', 2)])).toBeUndefined();
    expect(judge(surgeErrorWithin(fleet, 500, 0.5), [...open, quoted(seconds(1), 't4', 1)])).toMatch(/quoted t4 a surge of ×1 in cell 0:0 .* the true counts there give ×2 \(bound 0.5\)/);
    // Assigned requests are no longer open, and a driver on a trip is not free: 2 open, 1 free.
    expect(judge(surgeErrorWithin(fleet, 500, 0), [...open, assigned(0, 't1', 'driver-1'), assigned(0, 't2', 'driver-1'), quoted(seconds(1), 't4', 2)])).toBeUndefined();
    // Demand and no free driver around: the cap.
    expect(judge(surgeErrorWithin(fleet, 500, 0), [...open, assigned(0, 't1', 'driver-1'), assigned(0, 't2', 'driver-2'), quoted(seconds(1), 't4', 1)])).toMatch(/the true counts there give ×3/);
  });
});
