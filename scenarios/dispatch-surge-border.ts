import { defineScenario } from '../src/kernel/index.js';
import { dispatchSystem, SMALL_CITY } from '../src/designs/dispatch/system.js';

/**
 * Surge priced by each dispatcher from what it knows: its own open requests and the
 * drivers its index believes free, around the rider's cell. The stadium sits on the
 * border between the two regions, so each dispatcher sees about half of the demand
 * around it and quotes too low, while the true counts on both sides call for more.
 * The scenario bounds the error of a quote at 1 (×1 quoted where ×2 is due).
 */
export default defineScenario({
  description: 'Ride dispatch with compare-and-set, surge priced per region from its own requests, demand straddling the border; no faults',
  expect: { violates: 'surge-error' },
  seeds: 40,
  ...dispatchSystem({ write: 'compare-and-set', checks: { ...SMALL_CITY.checks!, surgeError: 1 } }),
});
