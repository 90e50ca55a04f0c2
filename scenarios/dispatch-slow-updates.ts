import { defineScenario, seconds } from '../src/kernel/index.js';
import { dispatchSystem, SMALL_CITY } from '../src/designs/dispatch/system.js';

/**
 * The correct dispatcher (compare-and-set holds and assignments), with drivers
 * reporting every 20 s instead of every 2 s (to save battery, say). A driver that
 * turned an offer down, or whose offer lapsed, is free at once at the store, but
 * the dispatchers see it as offered until its next report (only the end of a trip
 * is reported at once); with reports 20 s apart, a request waits past the 10 s
 * liveness bound with that driver free and a few hundred metres away. No faults:
 * the interval alone does it.
 */
export default defineScenario({
  description: 'Ride dispatch with compare-and-set, drivers reporting every 20 s; no faults',
  expect: { violates: 'offer-liveness' },
  seeds: 30,
  ...dispatchSystem({ write: 'compare-and-set', timing: { ...SMALL_CITY.timing, updateEvery: seconds(20), staleAfter: seconds(60) } }),
});
