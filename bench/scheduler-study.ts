/**
 * `npx tsx bench/scheduler-study.ts [--seeds 20]`: the task scheduler's study table.
 * For each worker variant × fault mix, over the same seeds: duplicate executions per
 * 1,000 tasks, duplicate effects (with a plain, non-idempotent e-mail sender, so every
 * duplicate execution that gets as far as sending shows), effects the idempotent
 * sender suppressed, late start p50/p99 in true time (first start minus schedule
 * time), and tasks lost (due at least the liveness bound before the end, never ended). The runs judge nothing (they
 * must go on to the end to be counted): the scheduler-* scenarios do the judging.
 */
import { parseArgs } from 'node:util';
import { defineScenario, formatDuration, runScenario, type FaultMix, type Random, type Fault, drawFaults } from '../src/kernel/index.js';
import { SchedulerTally, percentile } from '../src/designs/scheduler/summary.js';
import { DURATION, everyFault, LIVENESS_BOUND, mixOn, schedulerSystem, SCHEDULERS, WORKERS, type SchedulerVariant } from '../src/designs/scheduler/system.js';

const { values } = parseArgs({ options: { seeds: { type: 'string', default: '20' } } });
const seeds = Number(values.seeds);

const workers: Array<[string, SchedulerVariant]> = [
  ['seed worker, plain sender', { worker: 'seed', election: 'raft', promotion: 'corrected', effects: 'every' }],
  ['corrected worker, plain sender', { worker: 'corrected', election: 'raft', promotion: 'corrected', effects: 'every' }],
  ['corrected worker, idempotent sender', { worker: 'corrected', election: 'raft', promotion: 'corrected', effects: 'by-task' }],
  ['corrected worker, lease leader (unfenced)', { worker: 'corrected', election: 'lease', promotion: 'seed', effects: 'every' }],
];
const mixes: Array<[string, (random: Random) => Fault[]]> = [
  ['no faults', () => []],
  ['worker pauses', (random) => drawFaults(random, mixOn(WORKERS, { pause: 1 }))],
  ['worker crashes', (random) => drawFaults(random, mixOn(WORKERS, { crash: 1 }))],
  ['scheduler pauses + crashes', (random) => drawFaults(random, mixOn(SCHEDULERS, { pause: 3, crash: 1 }, [10, 40]) satisfies FaultMix)],
  ['every fault', everyFault],
];

console.log(`${seeds} seeds per cell; 30 tasks + a 2 s cron per run; timings scaled 100× from the seed's\n`);
console.log('| worker | faults | tasks | dup. executions /1,000 tasks | dup. effects | suppressed | late start p50 | p99 | lost |');
console.log('|---|---|---:|---:|---:|---:|---:|---:|---:|');
for (const [workerName, variant] of workers) {
  for (const [mixName, faults] of mixes) {
    let tally = new SchedulerTally();
    const scenario = defineScenario({
      description: `study: ${workerName}, ${mixName}`,
      expect: 'safe',
      ...schedulerSystem({ ...variant, purpose: 'measure' }),
      faults,
      summary: () => {
        tally = new SchedulerTally();
        return { collect: (fact) => tally.collect(fact), render: () => '' };
      },
    });
    let tasks = 0, duplicates = 0, effects = 0, suppressed = 0, lost = 0;
    const late: number[] = [];
    for (let seed = 1; seed <= seeds; seed++) {
      runScenario(scenario, seed);
      const n = tally.numbers(DURATION - LIVENESS_BOUND);
      tasks += n.tasks;
      duplicates += n.duplicateExecutions;
      effects += n.duplicateEffects;
      suppressed += n.suppressed;
      lost += n.lost;
      late.push(...n.lateStarts);
    }
    console.log(`| ${workerName} | ${mixName} | ${tasks} | ${((1000 * duplicates) / tasks).toFixed(1)} | ${effects} | ${suppressed} | ${formatDuration(percentile(late, 50))} | ${formatDuration(percentile(late, 99))} | ${lost} |`);
  }
}
