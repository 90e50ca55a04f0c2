import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { isScenario } from '../../src/kernel/index.js';
import { CONTRACT_OF } from '../../src/designs/rate-limiter/contracts.js';
import { contractPropertyName } from '../../src/designs/rate-limiter/properties.js';

/**
 * A tripwire for every property: each is the expected violation of some known-unsafe
 * scenario, so a checker made lenient by a later change turns `sim check` red (issue 21).
 * The properties are read from the source: every object under src/designs and src/check
 * with a literal `name` followed by `watches` or `observe` is one, and the rate
 * limiter's contracts are named by `contractPropertyName`.
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

async function expectedViolations(): Promise<Set<string>> {
  const folder = new URL('scenarios/', root);
  const violated = new Set<string>();
  for (const file of readdirSync(folder).filter((f) => f.endsWith('.ts'))) {
    const scenario: unknown = (await import(new URL(file, folder).href)).default;
    if (isScenario(scenario) && scenario.expect !== 'safe') violated.add(scenario.expect.violates);
  }
  return violated;
}

/**
 * Properties no scenario trips yet, each with what a tripwire would take. The list may
 * only shrink: a property listed here that gains a tripwire fails the second test.
 */
const WITHOUT_TRIPWIRE: Record<string, string> = {
  'no-lost-keystroke': 'an acknowledged insert lost from every replica alike (a server rolled back by a power loss, its clients reloading from it): lost from one replica, convergence reports it first',
};

describe('tripwires', () => {
  it('every property the project defines is some known-unsafe scenario\'s expected violation, or listed as lacking one', async () => {
    const violated = await expectedViolations();
    const missing = definedProperties().filter((name) => !violated.has(name) && WITHOUT_TRIPWIRE[name] === undefined);
    expect(missing, 'add a known-unsafe scenario that expects each of these, so a lenient checker turns sim check red').toEqual([]);
  });

  it('lists as lacking a tripwire only properties that exist and still lack one', async () => {
    const violated = await expectedViolations();
    const defined = definedProperties();
    for (const name of Object.keys(WITHOUT_TRIPWIRE)) {
      expect(defined, `${name} is no property: remove it from WITHOUT_TRIPWIRE`).toContain(name);
      expect(violated.has(name), `${name} has a tripwire now: remove it from WITHOUT_TRIPWIRE`).toBe(false);
    }
  });

  it('finds the properties it must (the scan of the source is not empty-handed)', () => {
    expect(definedProperties()).toEqual(expect.arrayContaining(['mutual-exclusion', 'linearizable', 'charged-once', 'unique', 'sliding-window-limit', 'applied-once']));
  });
});
