import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { isScenario, runScenario, Tally, uncoveredRoles, type Scenario } from '../../src/kernel/index.js';

/**
 * Issue 21, "Safe must mean something": a safe verdict is only as strong as the
 * faults its seeds reach. Every safe scenario crashes, pauses and steps the clock of
 * every node role within its first few seeds, or says in its `exempt` why a role
 * need not be. (`sim check --coverage` prints the same over all the seeds.)
 */
const folder = new URL('../../scenarios/', import.meta.url);
const files = readdirSync(folder).filter((f) => f.endsWith('.ts')).sort();

/** How many seeds to look at: enough for the drawn mixes to reach every role, few for the scenarios that are slow per seed. */
const SEEDS = 40;
const fewer: Record<string, number> = {
  'ratelimit-sliding-log-atomic.ts': 1,
  'ratelimit-token-bucket.ts': 1,
  'raft-lock.ts': 20,
  'raft-kv.ts': 20,
};
/**
 * The studies print comparison tables, one cell per variant under one scripted fault
 * each; the verdicts on fault tolerance are the scenarios they compare, judged here.
 */
const STUDIES = ['ratelimit-study.ts', 'snowflake-backwards-study.ts', 'timeline-study.ts', 'dispatch-study.ts'];

const load = async (file: string): Promise<Scenario> => {
  const scenario: unknown = (await import(new URL(file, folder).href)).default;
  if (!isScenario(scenario)) throw new Error(`${file} does not export a scenario`);
  return scenario;
};

describe.each(files)('%s', (file) => {
  it('if safe, reaches every role it does not exempt with a crash, a pause and a clock step', async () => {
    const scenario = await load(file);
    if (scenario.expect !== 'safe' || STUDIES.includes(file)) return;
    const tally = new Tally(scenario);
    for (let seed = 1; seed <= (fewer[file] ?? SEEDS); seed++) tally.add(runScenario(scenario, seed));
    expect(tally.verdict().failures).toBe(0);
    expect(uncoveredRoles(tally, scenario.exempt), `add the missing faults to ${file}'s mix, or say in its exempt why the role needs none`).toEqual([]);
    for (const role of Object.keys(scenario.exempt ?? {})) expect(Object.keys(tally.coverage), `${file} exempts '${role}', which is no role of its nodes`).toContain(role);
  });
});
