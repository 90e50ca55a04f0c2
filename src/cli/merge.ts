/** `sim merge`: the shards of one `sim check` put back together. */
import chalk from 'chalk';
import { readFileSync } from 'node:fs';
import { UsageError } from './common.js';
import { checkReport, printCheckEnding, tableHeader, tableRow, type CheckEntry, type CheckReport } from './check.js';

/**
 * `sim merge`: the JSON reports of the n shards of one suite (`sim check --shard i/n
 * --json`), put back together as if the suite had run in one process: the entries
 * in suite order, one table, one ending, one exit code. Every shard must be there
 * exactly once: a missing shard would make a partial suite look green.
 */
export function mergeCommand(files: string[], options: { json?: boolean } = {}): CheckEntry[] {
  const reports = files.map((file) => readCheckReport(file));
  const shards = reports.map((r, i) => ({ file: files[i]!, shard: r.shard ?? '1/1' }));
  const total = Number(shards[0]!.shard.split('/')[1]);
  for (const { file, shard } of shards) {
    if (Number(shard.split('/')[1]) !== total) throw new UsageError(`${file} is shard ${shard}, but ${shards[0]!.file} is one of ${total} shards: merge the shards of one run`);
  }
  const seen = new Map<number, string>();
  for (const { file, shard } of shards) {
    const i = Number(shard.split('/')[0]);
    if (seen.has(i)) throw new UsageError(`shard ${i}/${total} is given twice (${seen.get(i)} and ${file})`);
    seen.set(i, file);
  }
  const missing = Array.from({ length: total }, (_, i) => i + 1).filter((i) => !seen.has(i));
  if (missing.length > 0) throw new UsageError(`shard${missing.length > 1 ? 's' : ''} ${missing.map((i) => `${i}/${total}`).join(', ')} missing: give every shard's --json report`);
  const results = reports.flatMap((r) => r.results).sort((a, b) => (a.order ?? 0) - (b.order ?? 0));
  if (options.json) {
    console.log(JSON.stringify(checkReport(results, null), null, 2));
    return results;
  }
  const width = Math.max(...results.map((r) => r.name.length), 8) + 2;
  const expectWidth = Math.max(...results.map((r) => r.expected.length), 8) + 2;
  console.log(tableHeader(width, expectWidth) + chalk.dim(`   (${total} shards merged)`));
  for (const r of results) {
    console.log(tableRow(r, width, expectWidth));
  }
  printCheckEnding(results, {});
  return results;
}

function readCheckReport(file: string): CheckReport {
  let report: CheckReport;
  try {
    report = JSON.parse(readFileSync(file, 'utf8')) as CheckReport;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UsageError(code ? `cannot read ${file} (${code})` : `${file} is not JSON: write it with sim check --shard i/n --json > ${file}`);
  }
  if (report?.format !== 'sim-check/1' || !Array.isArray(report.results)) throw new UsageError(`${file} is not a sim check --json report (its "format" must be "sim-check/1")`);
  if (report.shard !== null && !/^\d+\/\d+$/.test(String(report.shard))) throw new UsageError(`${file}: "shard" must be "i/n" or null`);
  return report;
}
