import { formatDuration, ms, seconds, type Fact, type Micros, type ScenarioSpec, type UntypedFact, type World } from '../../kernel/index.js';
import { Fleet } from './city.js';
import type { DispatchFact } from './facts.js';
import { oneTripPerDriver } from './properties.js';
import { drawRequests } from './rider.js';
import { mean, percentile } from '../stats.js';
import { DispatchTally } from './summary.js';
import { buildDispatch, dispatchNodes, type DispatchSystemOptions } from './system.js';

/** The trade-off the study measures: how often drivers report where they are, and how many reports are lost. */
export const STUDY_INTERVALS = [seconds(1), seconds(2), seconds(4), seconds(8)] as const;
export const STUDY_LOSSES = [0, 0.1, 0.3] as const;

export const STUDY = {
  duration: seconds(40),
  /** Requests start once the slowest reporters have been heard from (8 s) and end 10 s before the run does. */
  window: [seconds(10), seconds(30)] as [Micros, Micros],
  requestsPerSecond: 40,
  riders: 20,
} as const;

const REQUESTS = Math.round((STUDY.requestsPerSecond * (STUDY.window[1] - STUDY.window[0])) / seconds(1));

const scopeOf = (interval: Micros, loss: number) => `u${interval / seconds(1)}-l${Math.round(loss * 100)}-`;
const SCOPE = /^u\d+-l\d+-/;

/**
 * The study's system for one cell: a 20 × 20 km city in two regions with 500 m
 * cells, drivers at 18–54 km/h, trips of 4–10 s (scaled), and a dispatcher that
 * trusts a report for three update intervals.
 */
function studySystem(drivers: number, interval: Micros, loss: number): DispatchSystemOptions {
  return {
    write: 'compare-and-set',
    drivers,
    riders: STUDY.riders,
    city: { width: 20_000, height: 20_000, regions: 2, halo: 1_500 },
    cellSize: 500,
    searchRadius: 1_500,
    motion: { speed: [5, 15], leg: [seconds(10), seconds(30)] },
    behaviour: { think: [ms(500), seconds(3)], acceptRate: 0.85, trip: [seconds(4), seconds(10)] },
    timing: { updateEvery: interval, staleAfter: 3 * interval, offerTtl: seconds(5), answerWithin: seconds(4), rematchEvery: ms(500), retryEvery: seconds(2), confirmWait: seconds(1), timeout: ms(300) },
    updateLoss: loss,
    workload: { script: [] },
    duration: STUDY.duration,
    scope: scopeOf(interval, loss),
  };
}

const cells = () => STUDY_INTERVALS.flatMap((interval) => STUDY_LOSSES.map((loss) => ({ interval, loss })));

/**
 * One system per (update interval, loss) in one world, over one fleet (the same
 * drivers on the same paths) and one plan of requests (30% from a stadium on the
 * border). Each system is checked for one trip per driver; the table is the summary.
 */
function buildStudy(world: World, { drivers }: { drivers: number }): Fleet {
  const base = studySystem(drivers, STUDY_INTERVALS[0], 0);
  const fleet = Fleet.draw(world.stream('fleet'), dispatchNodes({ ...base, scope: '' }).drivers, base.city, base.motion, STUDY.duration);
  const plan = drawRequests(world.stream('workload'), dispatchNodes({ ...base, scope: '' }).riders, base.city, {
    requests: REQUESTS, window: STUDY.window, hotspot: { share: 0.3, x: base.city.width / 2, y: base.city.height / 2, radius: 500 },
  });
  for (const { interval, loss } of cells()) {
    const system = studySystem(drivers, interval, loss);
    buildDispatch(world, { ...system, workload: { script: plan.map((step) => ({ ...step, rider: system.scope + step.rider })) } }, fleet);
    world.property(oneTripPerDriver());
  }
  return fleet;
}

/**
 * The table, measured on true times and true positions from facts: time from a
 * request to its first offer on a phone and to its assignment, and the pickup
 * distance error of every offer (how much farther the matched driver truly was than
 * the nearest available one; "not the nearest": the share of offers off by a metre
 * or more), per update interval and loss.
 */
function studySummary({ drivers }: { drivers: number }, fleet: () => Fleet) {
  let rows: Map<string, DispatchTally> | undefined;
  return {
    collect(fact: Fact<UntypedFact>) {
      rows ??= new Map(cells().map(({ interval, loss }) => {
        const system = studySystem(drivers, interval, loss);
        return [system.scope!, new DispatchTally(fleet().renamed(dispatchNodes(system).drivers), system.cellSize)];
      }));
      const scope = SCOPE.exec(fact.node)?.[0];
      if (scope !== undefined) rows.get(scope)!.collect(fact as unknown as Fact<DispatchFact>);
    },
    render(): string {
      const header = ['update every', 'loss', 'assigned', 'to offer p50', 'p99', 'to assignment p50', 'p99', 'offers/trip', 'not the nearest', 'pickup error mean', 'p90', 'p99', 'surge error mean'];
      const time = (t: Micros | undefined) => (t === undefined ? '-' : formatDuration(t));
      const m = (x: number | undefined) => (x === undefined ? '-' : `${Math.round(x)} m`);
      const lines = cells().map(({ interval, loss }) => {
        const n = rows?.get(scopeOf(interval, loss))?.result();
        if (n === undefined) return [formatDuration(interval), `${loss * 100}%`, ...header.slice(2).map(() => '-')];
        return [
          formatDuration(interval), `${loss * 100}%`, `${n.assigned}/${n.requests}`,
          time(percentile(n.toOffer, 50)), time(percentile(n.toOffer, 99)), time(percentile(n.toAssign, 50)), time(percentile(n.toAssign, 99)),
          (n.offers / Math.max(1, n.requests)).toFixed(2),
          `${((100 * n.pickupErrors.filter((e) => e >= 1).length) / Math.max(1, n.offers)).toFixed(1)}%`,
          m(mean(n.pickupErrors)), m(percentile(n.pickupErrors, 90)), m(percentile(n.pickupErrors, 99)),
          (mean(n.surgeErrors) ?? 0).toFixed(2),
        ];
      });
      const widths = header.map((h, c) => Math.max(h.length, ...lines.map((l) => l[c]!.length)));
      const format = (cols: string[]) => cols.map((col, c) => col.padStart(widths[c]!)).join('  ');
      return [
        `Dispatch study: ${drivers.toLocaleString('en-US')} drivers in a 20 × 20 km city, two regions, the same paths and the same ${REQUESTS.toLocaleString('en-US')} requests (30% from a stadium on the border) in every row;`,
        'holds and assignments by compare-and-set; a report is trusted for three update intervals; loss is on the drivers\' links to the dispatchers (reports and answers alike).',
        '',
        format(header),
        format(widths.map((w) => '-'.repeat(w))),
        ...lines.map(format),
      ].join('\n');
    },
  };
}

/** The study as a scenario: one seed, no faults, `drivers` drivers in each of the 12 systems; `sim run` prints the table. */
export function dispatchStudy(): Pick<ScenarioSpec<'drivers'>, 'duration' | 'params' | 'build' | 'summary' | 'exempt'> {
  // The summary measures by the fleet this run drew: `build` runs before any fact reaches it.
  let fleet: Fleet | undefined;
  return {
    duration: STUDY.duration,
    params: { drivers: { default: 300, max: 100_000 } },
    build: (world, { drivers }) => void (fleet = buildStudy(world, { drivers })),
    summary: (params) => studySummary(params, () => fleet!),
    exempt: { '*': 'the study measures staleness from the update interval and link loss alone: it injects no faults' },
  };
}
