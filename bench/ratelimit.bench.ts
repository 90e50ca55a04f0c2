/**
 * The rate-limiter study (every algorithm × deployment, one run) at 1k, 10k and 100k
 * users: how long the simulation takes and how much it simulates.
 */
import { runScenario } from '../src/kernel/index.js';
import { STUDY_CELLS } from '../src/designs/rate-limiter/study.js';
import study from '../scenarios/ratelimit-study.js';

for (const users of [1_000, 10_000, 100_000]) {
  const started = process.hrtime.bigint();
  const result = runScenario(study, 1, { params: { users } });
  const elapsed = Number(process.hrtime.bigint() - started) / 1e9;
  const decisions = result.stats.facts;
  console.log(
    `rate-limiter study, ${users.toLocaleString('en-US')} users × ${STUDY_CELLS.length} rows: ${elapsed.toFixed(1)} s ` +
      `(${result.stats.events.toLocaleString('en-US')} events, ${decisions.toLocaleString('en-US')} facts, ${(decisions / elapsed / 1e3).toFixed(0)}k facts/s)`,
  );
}
