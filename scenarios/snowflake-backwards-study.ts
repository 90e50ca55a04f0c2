import { defineScenario } from '../src/kernel/index.js';
import { buildStudy, STUDY_DURATION, studyFaults, studySummary } from '../src/designs/snowflake/study.js';

/**
 * Each clock-backwards policy against backward steps of 1 ms to 5 s: `sim run`
 * prints, per policy and step, the IDs refused and the longest refusal. `unique`
 * and `monotonic` hold in every cell.
 */
export default defineScenario({
  description: 'Clock-backwards study: throw, wait, logical clock, and each with a high-water mark across a restart, × steps back of 1 ms to 5 s; prints the table',
  expect: 'safe',
  duration: STUDY_DURATION,
  seeds: 1,
  build: buildStudy,
  faults: studyFaults,
  summary: studySummary,
  exempt: { '*': 'a study measures each cell under the faults it scripts for it; the scenarios it compares are the ones judged for fault coverage' },
});
