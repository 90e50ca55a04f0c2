import { defineScenario } from '../src/kernel/index.js';
import { dispatchStudy } from '../src/designs/dispatch/study.js';

/**
 * Pickup distance error and dispatch latency as drivers report every 1, 2, 4 or 8 s
 * over links losing 0%, 10% or 30% of the reports: twelve systems over one fleet of
 * `drivers` drivers and the same 800 requests; `sim run` prints the table. `sim check`
 * runs 300 drivers; the README's table is
 * `npx sim run scenarios/dispatch-study.ts --param drivers=10000`. No faults:
 * staleness comes from the interval and the loss alone. Each system is checked for
 * one trip per driver.
 */
export default defineScenario({
  description: 'Dispatch study: location update every 1/2/4/8 s × loss 0/10/30%, 300 drivers unless --param drivers=…, 800 requests; prints the table',
  expect: 'safe',
  seeds: 1,
  maxEvents: 50_000_000,
  ...dispatchStudy(),
});
