import { defineScenario } from '../src/kernel/index.js';
import { dispatchSystem } from '../src/designs/dispatch/system.js';

/**
 * Two dispatchers assigning from their indexes without a conditional write: each
 * trusts what its index says a driver is doing and writes the hold and the
 * assignment blindly. A driver near the border reports to both; when both pick it
 * for riders of their own within the seconds it looks at the first offer, it takes
 * both, and both assignments land: two riders are promised one driver. No faults
 * are needed: the border and the drivers' think time are the race.
 */
export default defineScenario({
  description: 'Ride dispatch, two regions sharing border drivers, holds and assignments written blindly from the index; no faults',
  expect: { violates: 'one-trip-per-driver' },
  seeds: 20,
  ...dispatchSystem({ write: 'blind' }),
});
