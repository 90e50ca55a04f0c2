import { formatDuration, ms, seconds, type Fact, type Fault, type Micros, type World } from '../../kernel/index.js';
import { parseId } from './id.js';
import { snowflakeNode, type GeneratorPolicy } from './node.js';
import { monotonicPerNode, unique } from './properties.js';
import { RefusalPeriods } from './summary.js';
import { idClient, type PlannedRequest } from './workload.js';

/** A clock-backwards policy as the study runs it: the generator's policy, and whether the node restarts right after the step. */
export interface StudyPolicy {
  key: string;
  label: string;
  policy: GeneratorPolicy;
  restart: boolean;
}

export const STUDY_POLICIES: readonly StudyPolicy[] = [
  { key: 'throw', label: 'throw (seed)', policy: { backwards: 'throw', arithmetic: 'bigint' }, restart: false },
  { key: 'wait', label: 'wait', policy: { backwards: 'wait', arithmetic: 'bigint' }, restart: false },
  { key: 'logical', label: 'logical clock', policy: { backwards: 'logical', arithmetic: 'bigint' }, restart: false },
  { key: 'throw-hwm', label: 'throw + high-water, restart', policy: { backwards: 'throw', arithmetic: 'bigint', highWaterBlockMs: 100 }, restart: true },
  { key: 'wait-hwm', label: 'wait + high-water, restart', policy: { backwards: 'wait', arithmetic: 'bigint', highWaterBlockMs: 100 }, restart: true },
  { key: 'logical-hwm', label: 'logical + high-water, restart', policy: { backwards: 'logical', arithmetic: 'bigint', highWaterBlockMs: 100 }, restart: true },
];

export const STUDY_STEPS: readonly Micros[] = [ms(1), ms(10), ms(100), seconds(1), seconds(5)];

/** When every clock steps back; restarting nodes crash 1 ms later and are down for `DOWNTIME`. */
const STEP_AT = seconds(1);
const DOWNTIME = ms(20);
/** One request for one ID every millisecond around the step, every 20 ms otherwise: durations are exact to 1 ms at first, to 20 ms later. */
const DENSE: [Micros, Micros] = [ms(950), ms(1_200)];
const SPARSE = ms(20);
export const STUDY_DURATION = STEP_AT + seconds(6);
const CLIENT = 'app-1';

const cellNode = (policy: StudyPolicy, step: Micros) => `${policy.key}-${formatDuration(step)}`;
const cells = () => STUDY_POLICIES.flatMap((policy) => STUDY_STEPS.map((step) => ({ policy, step, node: cellNode(policy, step) })));

/** The requests every cell gets, the same for each. */
function studyRequests(nodes: readonly string[]): PlannedRequest[] {
  const plan: PlannedRequest[] = [];
  for (let at = SPARSE; at < STUDY_DURATION; at += at >= DENSE[0] && at < DENSE[1] ? ms(1) : SPARSE) {
    for (const node of nodes) plan.push({ at, client: CLIENT, node, count: 1 });
  }
  return plan;
}

/**
 * One node per (policy, step) with its own static node id, all asked for one ID per
 * millisecond around the step by one client; `unique` and per-process `monotonic`
 * hold throughout (with the high-water mark, even across the restart).
 */
export function buildStudy(world: World): void {
  const all = cells();
  all.forEach(({ policy, node }, i) => world.node(node, snowflakeNode(policy.policy, { kind: 'fixed', nodeId: i + 1 })));
  world.node(CLIENT, idClient(studyRequests(all.map((c) => c.node))));
  world.property(unique());
  world.property(monotonicPerNode({ acrossRestarts: false }));
}

/** Every clock steps back by its cell's step at 1 s; the restarting cells crash 1 ms later. */
export function studyFaults(): Fault[] {
  return cells().flatMap(({ policy, step, node }): Fault[] => [
    { at: STEP_AT, kind: 'clock-jump', node, delta: -step },
    ...(policy.restart ? [{ at: STEP_AT + ms(1), kind: 'crash', node, restartAfter: DOWNTIME } as const] : []),
  ]);
}

/**
 * The table: per policy and step, the IDs refused, the longest refusal or wait (from
 * the first request refused or held until the node next issues an ID, true time)
 * and all of them together, and how far ahead of its own clock a node's IDs ran
 * (the logical clock borrowing from the future).
 */
export function studySummary(): { collect(fact: Fact): void; render(): string } {
  const rows = new Map(cells().map((cell) => [cell.node, { ...cell, refused: 0, ahead: 0, periods: new RefusalPeriods() }]));
  let lastT = 0;
  return {
    collect(fact) {
      lastT = fact.t;
      const row = rows.get(fact.node);
      if (row === undefined) return;
      row.periods.collect(fact);
      if (fact.kind === 'id-refused') row.refused += fact.data.count as number;
      if (fact.kind === 'id-issued') row.ahead = Math.max(row.ahead, parseId(BigInt(fact.data.id as string)).timestamp - (fact.data.clockMs as number));
    },
    render() {
      const header = ['policy', 'step back', 'IDs refused', 'longest refusal/wait', 'in all', 'IDs ahead of clock'];
      const lines = [...rows.values()].map((row) => {
        row.periods.closeAll(lastT);
        return [row.policy.label, formatDuration(row.step), String(row.refused), formatDuration(row.periods.longest), formatDuration(row.periods.total), `${row.ahead} ms`];
      });
      const widths = header.map((h, c) => Math.max(h.length, ...lines.map((l) => l[c]!.length)));
      const format = (cols: string[]) => cols.map((col, c) => (c === 0 ? col.padEnd(widths[c]!) : col.padStart(widths[c]!))).join('  ');
      return [
        `Clock-backwards study: every clock steps back at ${formatDuration(STEP_AT)}; "restart" nodes crash 1 ms later for ${formatDuration(DOWNTIME)}; high-water blocks of 100 ms;`,
        `one request for one ID per node every 1 ms from ${formatDuration(DENSE[0])} to ${formatDuration(DENSE[1])}, every ${formatDuration(SPARSE)} otherwise (durations exact to that).`,
        format(header),
        ...lines.map(format),
      ].join('\n');
    },
  };
}
