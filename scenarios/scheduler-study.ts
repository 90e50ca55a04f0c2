import { defineScenario } from '../src/kernel/index.js';
import { DURATION } from '../src/designs/scheduler/system.js';
import { buildStudy, studyFaults, studySummary } from '../src/designs/scheduler/study.js';

/**
 * Each worker variant (the seed's, the corrected one with a plain and an idempotent
 * e-mail sender, the corrected one behind an unfenced lease leader) under each fault
 * mix, `copies` independent systems per cell in one world: `sim run` prints the table
 * of duplicates, late starts and lost tasks. The corrected, idempotent row is judged.
 * `sim check` runs 2 per cell; the README's table is
 * `npx sim run scenarios/scheduler-study.ts --param copies=10`.
 */
export default defineScenario({
  description: 'Scheduler study: 4 worker variants × 5 fault mixes, 2 systems each unless --param copies=…; duplicates, late starts, lost tasks',
  expect: 'safe',
  duration: DURATION,
  seeds: 1,
  maxEvents: 50_000_000,
  params: { copies: { default: 2, max: 100 } },
  build: (world, { copies }) => buildStudy(world, { copies }),
  faults: (random, _world, { copies }) => studyFaults(random, { copies }),
  summary: ({ copies }) => studySummary({ copies }),
  exempt: { '*': 'a study measures each cell under the faults it scripts for it; the scenarios it compares are the ones judged for fault coverage' },
});
