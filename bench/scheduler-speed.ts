/**
 * `npx tsx bench/scheduler-speed.ts [--seeds 200]`: scheduler-corrected on one thread,
 * seeds/s and events/s (after one warm-up run), as `sim check` runs it.
 */
import { parseArgs } from 'node:util';
import { runScenario } from '../src/kernel/index.js';
import scenario from '../scenarios/scheduler-corrected.js';

const { values } = parseArgs({ options: { seeds: { type: 'string', default: '200' } } });
const seeds = Number(values.seeds);
runScenario(scenario, 0);
const started = performance.now();
const cpu = process.cpuUsage();
let events = 0;
for (let seed = 1; seed <= seeds; seed++) events += runScenario(scenario, seed).stats.events;
const wall = (performance.now() - started) / 1000;
const used = process.cpuUsage(cpu);
const cpuSeconds = (used.user + used.system) / 1e6;
console.log(`scheduler-corrected, ${seeds} seeds, one thread: ${(seeds / wall).toFixed(1)} seeds/s wall (${(seeds / cpuSeconds).toFixed(1)} per CPU-second), ${Math.round(events / seeds)} events per run, ${(events / wall / 1e6).toFixed(2)}M events/s`);
