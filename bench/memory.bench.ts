/**
 * Peak memory (resident set, from /usr/bin/time) of searches as they grow: a search
 * folds each run into a tally and keeps only the lowest failing seeds, so its memory
 * should not grow with the number of seeds. `npm run bench memory`.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const root = new URL('../', import.meta.url).pathname;

/** Peak RSS in MB and wall seconds of one CLI command. */
function peak(args: string[]): { mb: number; seconds: number; last: string } {
  const run = spawnSync('/usr/bin/time', ['-f', 'peak %M %e', process.execPath, 'bin/sim.js', ...args], { cwd: root, encoding: 'utf8' });
  const match = /peak (\d+) ([\d.]+)/.exec(run.stderr);
  if (!match) throw new Error(`no figure from /usr/bin/time: ${run.stderr.slice(-300)}`);
  const last = run.stdout.trim().split('\n').find((line) => /seeds|budget/.test(line)) ?? '';
  return { mb: Number(match[1]) / 1024, seconds: Number(match[2]), last };
}

if (!existsSync('/usr/bin/time')) {
  console.log('memory: skipped, /usr/bin/time is missing (apt-get install time)');
} else {
  for (const [file, seeds] of [['test/fixtures/heartbeat.ts', 2_000], ['test/fixtures/heartbeat.ts', 100_000], ['scenarios/raft-lock.ts', 2_000], ['scenarios/raft-lock.ts', 20_000]] as const) {
    const { mb, seconds } = peak(['run', file, '--seeds', String(seeds), '-q', '--no-shrink']);
    console.log(`memory: ${file} over ${seeds.toLocaleString('en-US')} seeds: peak RSS ${mb.toFixed(0)} MB (${seconds.toFixed(1)} s)`);
  }
  const livelock = peak(['run', 'test/fixtures/livelock.ts', '--seed', '1', '-q']);
  console.log(`memory: a run that exhausts a 20,000,000-event budget (zero-latency ping-pong), shown with its trace tail: peak RSS ${livelock.mb.toFixed(0)} MB (${livelock.seconds.toFixed(1)} s)`);
}
