import { defineScenario } from '../src/kernel/index.js';
import { buildStudy, STUDY, studySummary } from '../src/designs/timeline/study.js';

/**
 * Fan-out on write, the hybrid at three celebrity thresholds, and fan-out on read,
 * over one follower graph of `users` users and the same tweets and reads: `sim run`
 * prints the table (writes per tweet, fan-out lag, read latency, cache memory). No
 * faults: the study measures costs. Each system's reads are checked for order.
 * `sim check` runs 10,000 users; the README's table is
 * `npx sim run scenarios/timeline-study.ts --param users=100000`.
 */
export default defineScenario({
  description: 'Timeline study: fan-out on write, hybrid (10,000 / 1,000 / 100 followers), fan-out on read; 10,000 users unless --param users=…, power-law graph',
  expect: 'safe',
  duration: STUDY.duration,
  seeds: 1,
  maxEvents: 50_000_000,
  params: { users: { default: 10_000, max: 1_000_000 } },
  build: (world, { users }) => buildStudy(world, { users }),
  summary: ({ users }) => studySummary({ users }),
  exempt: { '*': 'the study measures costs on a healthy system: it injects no faults' },
});
