import { drawFaults, formatDuration, type Fact, type Fault, type Random, type World } from '../../kernel/index.js';
import { atLeastOnce, effectOnce } from './properties.js';
import { percentile } from '../stats.js';
import { SchedulerTally } from './summary.js';
import { buildScheduler, DURATION, everyFault, LIVENESS_BOUND, mixOn, schedulerNodes, type SchedulerNodes, type SchedulerVariant } from './system.js';

/** The worker variants compared, all behind the corrected Raft leader but the last. */
const WORKER_ROWS: Array<[string, SchedulerVariant]> = [
  ['seed worker, plain sender', { worker: 'seed', election: 'raft', promotion: 'corrected', effects: 'every' }],
  ['corrected worker, plain sender', { worker: 'corrected', election: 'raft', promotion: 'corrected', effects: 'every' }],
  ['corrected worker, idempotent sender', { worker: 'corrected', election: 'raft', promotion: 'corrected', effects: 'by-task' }],
  ['corrected worker, lease leader (unfenced)', { worker: 'corrected', election: 'lease', promotion: 'seed', effects: 'every' }],
];

/** The fault mixes each variant runs under, drawn on one system's nodes. */
const FAULT_ROWS: Array<[string, (random: Random, nodes: SchedulerNodes) => Fault[]]> = [
  ['no faults', () => []],
  ['worker pauses', (random, nodes) => drawFaults(random, mixOn(nodes.workers, { pause: 1 }))],
  ['worker crashes', (random, nodes) => drawFaults(random, mixOn(nodes.workers, { crash: 1 }))],
  ['scheduler pauses + crashes', (random, nodes) => drawFaults(random, mixOn(nodes.schedulers, { pause: 3, crash: 1 }, [10, 40]))],
  // A degraded network is the whole world's, so in a world of many systems it would
  // reach every cell: this row partitions but does not degrade (scheduler-corrected does both).
  ['every fault but a degraded network', (random, nodes) => everyFault(random, nodes, ['partition'])],
];

/** The row the corrected scenario claims safe: its cells are judged, not only measured. */
const JUDGED_ROW = 2;

interface Cell {
  worker: number;
  faults: number;
  copy: number;
}

/** One system per cell and copy; its names start with this (no dash inside, so a node's scope is its name up to the first dash). */
const scopeOf = ({ worker, faults, copy }: Cell) => `w${worker}f${faults}c${copy}-`;

function cells(copies: number): Cell[] {
  return WORKER_ROWS.flatMap((_, worker) => FAULT_ROWS.flatMap((_, faults) => Array.from({ length: copies }, (_, copy) => ({ worker, faults, copy }))));
}

/**
 * Every worker variant under every fault mix, `copies` independent systems of each
 * (11 nodes, their own workload and faults) in one world: copies stand in for seeds,
 * so one `sim run` measures the whole table. The runs must go on to the end to be
 * counted, so only the corrected, idempotent row is judged (effect-once and
 * at-least-once, per system), as `scheduler-corrected` claims it safe.
 */
export function buildStudy(world: World, { copies }: { copies: number }): void {
  for (const cell of cells(copies)) {
    const scope = scopeOf(cell);
    buildScheduler(world, { ...WORKER_ROWS[cell.worker]![1], purpose: 'measure', scope });
    if (cell.worker !== JUDGED_ROW) continue;
    world.property(effectOnce(scope));
    world.property(atLeastOnce(LIVENESS_BOUND, scope));
  }
}

export function studyFaults(random: Random, { copies }: { copies: number }): Fault[] {
  return cells(copies)
    .flatMap((cell) => FAULT_ROWS[cell.faults]![1](random, schedulerNodes(scopeOf(cell))))
    .sort((a, b) => a.at - b.at);
}

/**
 * The table, from facts in true time, summed over each cell's copies: duplicate
 * executions per 1,000 tasks, duplicate effects, effects the idempotent sender
 * suppressed, late start p50/p99 (first start minus schedule time), tasks lost (due
 * at least the liveness bound before the end, never ended).
 */
export function studySummary({ copies }: { copies: number }): { collect(fact: Fact): void; render(): string } {
  const tallies = new Map(cells(copies).map((cell) => [scopeOf(cell), new SchedulerTally()]));
  return {
    collect(fact) {
      tallies.get(fact.node.slice(0, fact.node.indexOf('-') + 1))?.collect(fact);
    },
    render() {
      const lines = [
        `${copies} systems per cell; 30 tasks + a 2 s cron per system; timings scaled 100× from the seed's`,
        '',
        '| worker | faults | tasks | dup. executions /1,000 tasks | dup. effects | suppressed | late start p50 | p99 | lost |',
        '|---|---|---:|---:|---:|---:|---:|---:|---:|',
      ];
      WORKER_ROWS.forEach(([workerName], worker) => {
        FAULT_ROWS.forEach(([faultName], faults) => {
          const numbers = Array.from({ length: copies }, (_, copy) => tallies.get(scopeOf({ worker, faults, copy }))!.numbers(DURATION - LIVENESS_BOUND));
          const sum = (pick: (n: (typeof numbers)[number]) => number) => numbers.reduce((total, n) => total + pick(n), 0);
          const tasks = sum((n) => n.tasks);
          const late = numbers.flatMap((n) => n.lateStarts);
          lines.push(
            `| ${workerName} | ${faultName} | ${tasks} | ${((1000 * sum((n) => n.duplicateExecutions)) / tasks).toFixed(1)} | ${sum((n) => n.duplicateEffects)} | ${sum((n) => n.suppressed)} | ` +
              `${formatDuration(percentile(late, 50) ?? 0)} | ${formatDuration(percentile(late, 99) ?? 0)} | ${sum((n) => n.lost)} |`,
          );
        });
      });
      return lines.join('\n');
    },
  };
}
