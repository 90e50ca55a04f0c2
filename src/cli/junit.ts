import type { CheckEntry } from './check.js';

/**
 * JUnit XML as CI systems read it (Jenkins, GitLab, GitHub test reporters): one
 * testsuite per kind (scenarios, replay files), one testcase per entry, and a
 * <failure> for each entry whose verdict contradicts its expectation.
 */
export function junitXml(results: readonly CheckEntry[]): string {
  const suites = (['scenario', 'replay', 'golden'] as const)
    .map((kind) => ({ kind, cases: results.filter((r) => r.kind === kind) }))
    .filter((s) => s.cases.length > 0);
  const seconds = (rs: readonly CheckEntry[]) => rs.reduce((sum, r) => sum + r.seconds, 0).toFixed(3);
  const failed = (rs: readonly CheckEntry[]) => rs.filter((r) => !r.matches).length;
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="sim check" tests="${results.length}" failures="${failed(results)}" errors="0" time="${seconds(results)}">`,
  ];
  for (const { kind, cases } of suites) {
    lines.push(`  <testsuite name="${kind}s" tests="${cases.length}" failures="${failed(cases)}" errors="0" skipped="0" time="${seconds(cases)}">`);
    for (const r of cases) {
      const open = `    <testcase classname="sim.${kind}s" name="${xml(r.name)}" file="${xml(r.path)}" time="${r.seconds.toFixed(3)}"`;
      if (r.matches) {
        lines.push(`${open}/>`);
        continue;
      }
      const detail = `expected: ${r.expected}\n${r.summary}` + (r.firstFailure === undefined ? '' : `\nreproduce: npx sim ${r.kind === 'replay' ? `replay ${r.path}` : `run ${r.path} --seed ${r.firstFailure}`}`);
      lines.push(`${open}>`, `      <failure message="${xml(`expected ${r.expected}, but ${r.summary}`)}" type="mismatch">${xml(detail)}</failure>`, '    </testcase>');
    }
    lines.push('  </testsuite>');
  }
  lines.push('</testsuites>');
  return lines.join('\n') + '\n';
}

function xml(text: string): string {
  return text
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}
