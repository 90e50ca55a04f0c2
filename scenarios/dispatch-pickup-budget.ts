import { defineScenario, seconds } from '../src/kernel/index.js';
import { dispatchSystem, SMALL_CITY } from '../src/designs/dispatch/system.js';

/** A request must be offered within 25 s when a driver stood free and near for the last 17 s (two reports at most lost in a row). */
const SLOW_LIVENESS = { bound: seconds(25), hold: seconds(17), range: 1_000 };

/**
 * A pickup-distance budget of 500 m (about a minute of driving in town) on every
 * match, with drivers reporting every 8 s over uplinks that lose 30% of the
 * reports: the dispatcher matches on positions and states up to half a minute old,
 * and sends a driver truly farther than a free one nearer the rider by more than
 * the budget. The study shows how the error grows with the interval and the loss.
 * (Offer liveness is judged with a bound that fits reports 8 s apart, so that it is
 * the budget that is tested here: see dispatch-slow-updates.)
 */
export default defineScenario({
  description: 'Ride dispatch with compare-and-set, a 500 m pickup-error budget, reports every 8 s over links losing 30%; no faults',
  expect: { violates: 'pickup-distance-error' },
  seeds: 20,
  ...dispatchSystem({ write: 'compare-and-set', updateLoss: 0.3, timing: { ...SMALL_CITY.timing, updateEvery: seconds(8), staleAfter: seconds(24) }, checks: { liveness: SLOW_LIVENESS, pickupError: 500 } }),
});
