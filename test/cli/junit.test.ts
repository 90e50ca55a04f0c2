import { describe, expect, test } from 'vitest';
import { shardOf, type CheckEntry } from '../../src/cli/check.js';
import { junitXml } from '../../src/cli/junit.js';

const result = (over: Partial<CheckEntry>): CheckEntry => ({
  kind: 'scenario', name: 'redlock-skew', path: 'scenarios/redlock-skew.ts', expected: 'violates mutual-exclusion', matches: true,
  summary: '77 of 100 seeds violate mutual-exclusion; first: seed 1', seeds: 100, failures: 77, firstFailure: 1, seconds: 1.25, ...over,
});

describe('JUnit XML for CI', () => {
  const xml = junitXml([
    result({}),
    result({ name: 'gc-pause-fencing', path: 'scenarios/gc-pause-fencing.ts', expected: 'safe', matches: false, summary: 'seed 7 violates no-double-write <&"quoted">', firstFailure: 7 }),
    result({ kind: 'replay', name: 'replays/redlock-skew.json', path: 'replays/redlock-skew.json', seeds: 1 }),
  ]);

  test('has one testsuite per kind and one testcase per entry, with totals', () => {
    expect(xml).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<testsuites name="sim check" tests="3" failures="1" errors="0" time="3.750">/);
    expect(xml).toContain('<testsuite name="scenarios" tests="2" failures="1"');
    expect(xml).toContain('<testsuite name="replays" tests="1" failures="0"');
    expect(xml.match(/<testcase /g)).toHaveLength(3);
    expect(xml.trimEnd().endsWith('</testsuites>')).toBe(true);
  });

  test('a mismatch is a <failure> with the reproduce command, and text is escaped', () => {
    expect(xml).toContain('<failure message="expected safe, but seed 7 violates no-double-write &lt;&amp;&quot;quoted&quot;&gt;" type="mismatch">');
    expect(xml).toContain('reproduce: npx sim run scenarios/gc-pause-fencing.ts --seed 7</failure>');
    expect(xml).not.toMatch(/<&"quoted">/);
  });

  test('every opened element is closed, in order', () => {
    const stack: string[] = [];
    for (const [, closing, name, selfClosing] of xml.matchAll(/<(\/?)([a-z]+)[^>]*?(\/?)>/g)) {
      if (selfClosing) continue;
      if (closing) expect(stack.pop()).toBe(name);
      else stack.push(name!);
    }
    expect(stack).toEqual([]);
  });
});

describe('--shard i/n', () => {
  test('the n parts are disjoint, cover the suite, and differ in size by at most one', () => {
    const suite = Array.from({ length: 11 }, (_, i) => `entry-${i}`);
    const parts = [1, 2, 3, 4].map((i) => shardOf(suite, i, 4));
    expect(parts.flat().sort()).toEqual([...suite].sort());
    expect(new Set(parts.flat()).size).toBe(suite.length);
    const sizes = parts.map((p) => p.length);
    expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
  });
});
