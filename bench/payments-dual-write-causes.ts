/**
 * `npx tsx bench/payments-dual-write-causes.ts [seeds]`: for each seed of
 * payments-dual-write that loses an event, whether the database's "committed"
 * answer for it was dropped because the service that asked had crashed (a crash
 * between commit and publish), or the event was lost some other way (a partition
 * or a lossy link between the service and the queue).
 */
import { runScenario, type TraceEvent } from '../src/kernel/index.js';
import dualWrite from '../scenarios/payments-dual-write.js';

const seeds = Number(process.argv[2] ?? dualWrite.seeds);
let crash = 0;
let other = 0;
for (let seed = 1; seed <= seeds; seed++) {
  const run = runScenario(dualWrite, seed, { trace: true });
  if (!run.violation) continue;
  const [, whole, frac] = run.violation.message.match(/committed at (\d+)\.(\d+)s/)!;
  const committedAt = Number(whole) * 1_000_000 + Number(frac);
  const answerLost = run.trace!.some(
    (e: TraceEvent) => e.kind === 'drop' && e.reason === 'crashed' && e.from === 'db' && e.t >= committedAt && e.t <= committedAt + 20_000,
  );
  if (answerLost) crash++;
  else other++;
}
console.log(`payments-dual-write, ${seeds} seeds: ${crash + other} lose an event; ${crash} by a crash between commit and publish, ${other} otherwise`);
