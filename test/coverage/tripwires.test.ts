import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { isScenario, paramValues, Simulation, type Scenario } from '../../src/kernel/index.js';
import { CONTRACT_OF } from '../../src/designs/rate-limiter/contracts.js';
import { contractPropertyName } from '../../src/designs/rate-limiter/properties.js';

/**
 * A tripwire for every property: each property a scenario checks is the expected
 * violation of some known-unsafe scenario, so a checker made lenient by a later change
 * turns `sim check` red (issue 21). The properties checked are those the scenarios
 * register; those defined are read from the source (every object under src/designs and
 * src/check with a literal `name` followed by `watches` or `observe`, and the rate
 * limiter's contracts, named by `contractPropertyName`), so a property no scenario
 * registers is found too.
 */
const root = new URL('../../', import.meta.url);

function sourceFiles(dir: string): string[] {
  return readdirSync(new URL(dir, root), { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? sourceFiles(`${dir}${entry.name}/`) : entry.name.endsWith('.ts') ? [`${dir}${entry.name}`] : [],
  );
}

function definedProperties(): string[] {
  const names = new Set<string>(Object.values(CONTRACT_OF).map(contractPropertyName));
  for (const file of [...sourceFiles('src/designs/'), ...sourceFiles('src/check/')]) {
    const text = readFileSync(new URL(file, root), 'utf8');
    for (const match of text.matchAll(/name: '([a-z0-9-]+)'/g)) {
      if (/watches:|observe\(/.test(text.slice(match.index! + match[0].length, match.index! + match[0].length + 200))) names.add(match[1]!);
    }
  }
  return [...names].sort();
}

/** The studies print tables and judge by what they measure (as in coverage.test.ts); building one takes up to 15 s. */
const STUDIES = ['cdn-study.ts', 'dispatch-study.ts', 'ratelimit-study.ts', 'scheduler-study.ts', 'snowflake-backwards-study.ts', 'timeline-study.ts'];

/** Every scenario but the studies, with the properties it checks: its system built for seed 1 with its default sizes, not run. */
async function scenarios(): Promise<Array<{ scenario: Scenario; checks: readonly string[] }>> {
  const folder = new URL('scenarios/', root);
  const found: Array<{ scenario: Scenario; checks: readonly string[] }> = [];
  for (const file of readdirSync(folder).filter((f) => f.endsWith('.ts') && !STUDIES.includes(f))) {
    const scenario: unknown = (await import(new URL(file, folder).href)).default;
    if (!isScenario(scenario)) continue;
    const sim = new Simulation({ seed: 1, network: scenario.network });
    scenario.build(sim, paramValues(scenario));
    found.push({ scenario, checks: sim.propertyNames });
  }
  return found;
}
const built = scenarios();

describe('tripwires', () => {
  it("every property some scenario checks is some known-unsafe scenario's expected violation", async () => {
    const all = await built;
    const violated = new Set(all.flatMap(({ scenario }) => (scenario.expect === 'safe' ? [] : [scenario.expect.violates])));
    const missing = [...new Set(all.flatMap(({ checks }) => checks))].filter((name) => !violated.has(name)).sort();
    expect(missing, 'add a known-unsafe scenario that expects each of these, so a lenient checker turns sim check red').toEqual([]);
  });

  it('every property defined in the source is checked by some scenario', async () => {
    const checked = new Set((await built).flatMap(({ checks }) => checks));
    expect(definedProperties().filter((name) => !checked.has(name)), 'a property no scenario registers judges nothing: register it, or delete it').toEqual([]);
  });

  it('finds the properties it must (the scan of the source is not empty-handed)', () => {
    expect(definedProperties()).toEqual(expect.arrayContaining(['mutual-exclusion', 'linearizable', 'charged-once', 'unique', 'sliding-window-limit', 'applied-once']));
  });
});
