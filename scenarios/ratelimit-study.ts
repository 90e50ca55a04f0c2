import { defineScenario } from '../src/kernel/index.js';
import { contractHolds } from '../src/designs/rate-limiter/properties.js';
import { buildStudy, studyDuration, studyFaults, studySafeCell, studySummary, STUDY_TIERS } from '../src/designs/rate-limiter/study.js';
import { tierLimits } from '../src/designs/rate-limiter/system.js';

/**
 * Every rate-limiting algorithm in every deployment, over the same seeded traffic of
 * `users` users, with a 5 s store outage: `sim run` prints the comparison table. The
 * one property: the atomic sliding log failing closed keeps its contract throughout.
 * `sim check` runs 10,000 users (about 3 s); the README's table is
 * `npx sim run scenarios/ratelimit-study.ts --param users=100000`.
 */
export default defineScenario({
  description: 'Rate-limiter study: 6 algorithms (GCRA among them) × store script (fail open/closed), read-then-write, local, hybrid, and the seed script; 10,000 users unless --param users=…',
  expect: 'safe',
  duration: studyDuration(),
  seeds: 1,
  maxEvents: 50_000_000,
  params: { users: { default: 10_000, max: 1_000_000 } },
  build(world, { users }) {
    buildStudy(world, { users });
    world.property(contractHolds('sliding-window', tierLimits(STUDY_TIERS), { system: studySafeCell({ users }) }));
  },
  faults: (_random, world, { users }) => studyFaults(world.nodeIds, { users }),
  summary: ({ users }) => studySummary({ users }),
  exempt: { '*': 'a study measures each cell under the faults it scripts for it; the scenarios it compares are the ones judged for fault coverage' },
});
