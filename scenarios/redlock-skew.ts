import { defineScenario } from '../src/kernel/index.js';
import { redlockSystem, skewedMasters } from '../src/designs/redlock/system.js';

/**
 * Kleppmann's counter-example to Redlock: a minority of masters has its wall clock
 * stepped forward (an NTP correction), expiring the lock key early there. A client
 * that had a bare majority including that master keeps working, while another
 * client now wins a majority of its own: both are in the critical section.
 */
export default defineScenario({
  description: 'Redlock over 5 Redis masters; the clocks of 2 masters jump forward',
  expect: { violates: 'mutual-exclusion' },
  seeds: 100,
  ...redlockSystem,
  faults: skewedMasters,
});
