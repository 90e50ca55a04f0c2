import { describe, expect, it } from 'vitest';
import { runScenario } from '../../src/kernel/index.js';
import { STUDY_CELLS } from '../../src/designs/rate-limiter/study.js';
import study from '../../scenarios/ratelimit-study.js';

/** The study at 1,000 users: `scenarios/ratelimit-study.ts` itself, small enough to trace. */
const small = { params: { users: 1_000 } };

describe('rate-limiter study', () => {
  it('prints one row per algorithm and deployment, each measured', () => {
    const table = runScenario(study, 2, small).summary!;
    expect(table).toMatch(/^Rate-limiter study: 1,000 users/);
    const rows = table.split('\n').filter((line) => /^(fixed-window|sliding-log|sliding-counter|token-bucket|leaky-bucket|gcra) /.test(line));
    expect(rows).toHaveLength(STUDY_CELLS.length);
    expect(rows.some((row) => row.includes('not finished'))).toBe(false);
    // The atomic sliding log failing closed keeps its contract; failing open it does not, through the outage.
    expect(rows.find((row) => row.startsWith('sliding-log') && row.includes('store script, fail closed'))).toMatch(/ 0\.00% +1\.00 L /);
  });
});
