/**
 * Seed search throughput on a lock scenario with 1 job (this thread) and with 2
 * worker threads. The two alternate over three rounds, and the ratio is the
 * median of the three paired ratios, so a burst of load from elsewhere on the
 * machine skews one pair rather than the figure. The workers are started before
 * timing: their start (~0.5 s) is paid once per command, and a search too short
 * to repay it runs in the main thread anyway.
 */
import { availableParallelism, loadavg } from 'node:os';
import { resolve } from 'node:path';
import { loadScenario } from '../src/search/scenario-file.js';
import { seedRunner, type SeedRunner } from '../src/search/pool.js';
import { searchSeeds } from '../src/search/search.js';

const file = 'scenarios/redlock-skew.ts';
const located = { file: resolve(file), scenario: (await loadScenario(file)).scenario };
const seeds = 120;

/** Seeds per second of wall-clock time, and per second of CPU time of the whole process (all its threads). */
async function rate(runner: SeedRunner, from: number): Promise<[number, number]> {
  const cpu = process.cpuUsage();
  const search = await searchSeeds(runner, located, { from, to: from + seeds - 1 });
  const used = process.cpuUsage(cpu);
  return [seeds / (search.elapsedMs / 1000), seeds / ((used.user + used.system) / 1e6)];
}

const one = seedRunner(1);
const two = seedRunner(2);
try {
  // Warm up both, and start the workers: each runs one chunk.
  await rate(one, 1_000_001);
  await Promise.all([two.run(located, { from: 1_000_001, to: 1_000_004, swarm: false }), two.run(located, { from: 1_000_005, to: 1_000_008, swarm: false })]);
  const rounds: Array<[[number, number], [number, number]]> = [];
  for (let round = 0; round < 3; round++) rounds.push([await rate(one, 1 + round * seeds), await rate(two, 1 + round * seeds)]);
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[1]!;
  console.log(`search seeds/s, redlock-skew, --jobs 1 (median of 3): ${median(rounds.map(([[a]]) => a)).toFixed(0)}`);
  console.log(`search seeds/s, redlock-skew, --jobs 2 (median of 3): ${median(rounds.map(([, [b]]) => b)).toFixed(0)}`);
  console.log(`search speed-up, --jobs 2 / --jobs 1 (median of 3 paired rounds): ${median(rounds.map(([[a], [b]]) => b / a)).toFixed(2)}x`);
  // What the threads cost, whatever else runs on the machine: 1.00 means a second worker does no extra work.
  console.log(`seeds per CPU-second, --jobs 2 / --jobs 1 (median of 3 paired rounds): ${median(rounds.map(([[, a], [, b]]) => b / a)).toFixed(2)}`);
  // Other processes on the machine take cores from the workers: say how busy it was.
  console.log(`load average while measuring: ${loadavg()[0]!.toFixed(1)} on ${availableParallelism()} cores`);
} finally {
  await two.close();
}
