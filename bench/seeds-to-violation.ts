/**
 * How many seeds a search needs to find a known-unsafe scenario's violation.
 *
 *   npx tsx bench/seeds-to-violation.ts [--ranges 20] [--limit N] scenarios/a.ts scenarios/b.ts ...
 *
 * For each scenario (which must expect `{ violates: ... }`), runs R independent
 * seed ranges, each starting at its own offset (range i starts at seed
 * (i + 1) * 1,000,000), and counts the seeds tried up to and including the first
 * that violates the expected property. Prints the median, min and max of those
 * counts, and the simulated (true) time at which the shortest failing run broke
 * the property. A range that reaches `--limit` seeds (default: the scenario's own
 * `seeds` budget) without finding it counts as not found; a run that fails in
 * some other way is reported, since `sim check` would fail on it.
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { formatTime, isScenario, runScenario, type Micros, type Scenario } from '../src/kernel/index.js';

const RANGE_STRIDE = 1_000_000;

interface RangeResult {
  /** Seeds tried up to and including the first violation; undefined if none within the limit. */
  seeds: number | undefined;
  failing?: { seed: number; t: Micros };
  unexpected: Array<{ seed: number; what: string }>;
}

export function searchRange(scenario: Scenario, property: string, start: number, limit: number): RangeResult {
  const unexpected: RangeResult['unexpected'] = [];
  for (let n = 1; n <= limit; n++) {
    const seed = start + n - 1;
    const result = runScenario(scenario, seed);
    if (result.outcome === 'budget') unexpected.push({ seed, what: 'ran out of its event budget' });
    if (result.outcome !== 'violation') continue;
    if (result.violation!.property === property) return { seeds: n, failing: { seed, t: result.violation!.t }, unexpected };
    unexpected.push({ seed, what: `violates ${result.violation!.property}` });
  }
  return { seeds: undefined, unexpected };
}

function median(sorted: number[]): number {
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

async function main(argv: string[]): Promise<void> {
  let ranges = 20;
  let limit: number | undefined;
  const files: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--ranges') ranges = Number(argv[++i]);
    else if (arg === '--limit') limit = Number(argv[++i]);
    else files.push(arg);
  }
  if (files.length === 0 || !(ranges > 0) || (limit !== undefined && !(limit > 0))) {
    console.error('usage: npx tsx bench/seeds-to-violation.ts [--ranges R] [--limit N] scenario.ts...');
    process.exit(2);
  }
  for (const file of files) {
    const scenario: unknown = (await import(pathToFileURL(resolve(file)).href)).default;
    if (!isScenario(scenario)) throw new Error(`${file}: no scenario as its default export`);
    if (scenario.expect === 'safe') throw new Error(`${file}: expects 'safe'; there is no violation to search for`);
    const property = scenario.expect.violates;
    const perRange = limit ?? scenario.seeds;
    const results = Array.from({ length: ranges }, (_, i) => searchRange(scenario, property, (i + 1) * RANGE_STRIDE, perRange));
    const found = results.filter((r) => r.seeds !== undefined);
    // A range that found nothing counts as more than the limit, so it still moves the median.
    const counts = results.map((r) => r.seeds ?? Infinity).sort((a, b) => a - b);
    const show = (n: number) => (n === Infinity ? `>${perRange}` : String(n));
    const shortest = found.map((r) => r.failing!).sort((a, b) => a.t - b.t)[0];
    const unexpected = results.flatMap((r) => r.unexpected);
    const name = file.replace(/^.*\//, '').replace(/\.ts$/, '');
    if (found.length === 0) {
      console.log(`${name}: ${property} not found in ${ranges} ranges of ${perRange} seeds`);
    } else {
      console.log(
        `${name}: ${property}: seeds to first violation over ${ranges} ranges (limit ${perRange}): ` +
          `median ${show(median(counts))}, min ${show(counts[0]!)}, max ${show(counts[counts.length - 1]!)}` +
          (found.length < ranges ? `, not found in ${ranges - found.length} ranges` : '') +
          `; shortest failing run: ${formatTime(shortest!.t)} simulated (seed ${shortest!.seed})`,
      );
    }
    for (const u of unexpected) console.log(`  unexpected: seed ${u.seed} ${u.what}`);
  }
}

await main(process.argv.slice(2));
