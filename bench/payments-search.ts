/**
 * `npx tsx bench/payments-search.ts <scenario> [seeds] [first-seed]`: runs a payments
 * scenario over consecutive seeds, as `sim check` does, and prints the verdict, the
 * first violation and how many seeds it took, and the breach messages by cause.
 */
import { judge, runScenario, type RunResult, type Scenario } from '../src/kernel/index.js';

const [name = 'payments-seed-processor', seedsArg, firstArg] = process.argv.slice(2);
const scenario: Scenario = (await import(`../scenarios/${name}.ts`)).default;
const seeds = Number(seedsArg ?? scenario.seeds);
const first = Number(firstArg ?? 1);
const results: RunResult[] = [];
const started = process.hrtime.bigint();
for (let seed = first; seed < first + seeds; seed++) results.push(runScenario(scenario, seed));
const elapsed = Number(process.hrtime.bigint() - started) / 1e9;
const verdict = judge(scenario, results);
console.log(`${name}: ${verdict.matches ? 'as expected' : 'NOT as expected'}: ${verdict.summary}`);
console.log(`${seeds} seeds in ${elapsed.toFixed(1)}s (${(seeds / elapsed).toFixed(0)} seeds/s)`);
/** The cause a breach names (for charged-once: retry after a timeout, concurrent devices, a duplicated request). */
const causeOf = (r: RunResult) => {
  const { property, message } = r.violation!;
  if (property !== 'charged-once') return property;
  const cause = message.slice(message.lastIndexOf('): ') + 3).replace(/ \(.*$/, '').replace(/pay-[0-9a-f]+/, 'pay-…');
  return `${property}: ${cause}`;
};
const byCause = new Map<string, RunResult[]>();
for (const r of verdict.violations) byCause.set(causeOf(r), [...(byCause.get(causeOf(r)) ?? []), r]);
for (const [cause, runs] of byCause) console.log(`  ${cause}: ${runs.length} seeds, first seed ${runs[0]!.seed}`);
if (verdict.shown) {
  console.log(`shown: seed ${verdict.shown.seed}: ${verdict.shown.violation?.message ?? verdict.shown.outcome}`);
  console.log(`summary of that run: ${verdict.shown.summary ?? '-'}`);
}
