import { defineScenario } from '../src/kernel/index.js';
import { dispatchSystem, everyFault } from '../src/designs/dispatch/system.js';

/**
 * Ride dispatch done right: each dispatcher holds a driver for an offer with a
 * compare-and-set at the store (only an available driver, or one whose hold lapsed,
 * can be held), and assigns with another (only the offer that holds the driver can
 * assign it). Two dispatchers share the drivers near their border. Under crashes,
 * pauses, clock jumps and drift of the store, the dispatchers and the drivers,
 * partitions and lossy, duplicating links. Scaled for 2,000 seeds: 16 drivers, 30
 * trips asked for in the first 24 s of 40, trips of 4–10 s.
 */
export default defineScenario({
  description: 'Ride dispatch, two regions, holds and assignments by compare-and-set at the store; every fault kind on store, dispatchers and drivers',
  expect: 'safe',
  seeds: 2000,
  ...dispatchSystem({ write: 'compare-and-set' }),
  faultMix: everyFault(),
  requires: ['offer refused: driver not available', 'assignment refused: the offer is no longer current', 'expired offer reclaimed', 'offer went unanswered', 'driver resumed its trip after a restart'],
  exempt: {
    rider: 'the riders are the workload: each request happens at the true time it is drawn for, and is asked again until it is assigned',
  },
});
