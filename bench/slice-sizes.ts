/**
 * How much smaller a violation's causal slice is than its run, for every known-unsafe
 * scenario: `npx tsx bench/slice-sizes.ts [name-filter]`. Each scenario's first seed
 * that violates its expected property (searched from 1, untraced), replayed traced and
 * unshrunk, as `npx sim run <scenario> --seed N --no-shrink --why` shows it. Prints a
 * Markdown table: trace records in the slice / in the run, and the slice's span.
 */
import { readdirSync } from 'node:fs';
import { formatTime, runScenario } from '../src/kernel/index.js';
import { causalSlice } from '../src/report/index.js';
import { loadScenario } from '../src/search/scenario-file.js';

const filter = process.argv[2] ?? '';
const files = readdirSync('scenarios').filter((f) => f.endsWith('.ts') && f.includes(filter)).sort();
console.log('| scenario | seed | slice / run | share | slice from → violation |');
console.log('|---|---|---|---|---|');
for (const file of files) {
  const { name, scenario } = await loadScenario(`scenarios/${file}`);
  const expect = scenario.expect;
  if (expect === 'safe') continue;
  let seed = 1;
  while (seed <= scenario.seeds && runScenario(scenario, seed).violation?.property !== expect.violates) seed++;
  if (seed > scenario.seeds) {
    console.log(`| ${name} | none of ${scenario.seeds} | | | |`);
    continue;
  }
  const result = runScenario(scenario, seed, { trace: true });
  const trace = result.trace!;
  const slice = causalSlice(trace, result.violation!.at)!;
  const share = ((100 * slice.events.length) / trace.length).toFixed(1);
  console.log(`| ${name} | ${seed} | ${slice.events.length.toLocaleString('en-US')} / ${trace.length.toLocaleString('en-US')} | ${share}% | ${formatTime(slice.from)} → ${formatTime(slice.to)} |`);
}
