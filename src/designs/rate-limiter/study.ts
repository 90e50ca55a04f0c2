import { formatDuration, micros, ms, seconds, type Fact, type Fault, type KernelFact, type Micros, type World } from '../../kernel/index.js';
import { ALGORITHMS, type AlgorithmName } from './algorithms.js';
import type { Deployment } from './api-server.js';
import { CONTRACT_OF, contractMeter, SlidingWindowMeter, type ContractMeter } from './contracts.js';
import type { LimiterFact } from './facts.js';
import { addLimiterSystem, STORE_TIMEOUT, tierLimits, type LimiterSystemOptions } from './system.js';
import { drawTraffic, trafficSource, type TierShare, type TrafficMix } from './traffic.js';

/** One row of the study: an algorithm in a deployment. */
export interface StudyCell {
  algorithm: AlgorithmName;
  deployment: Deployment;
  /** How the table names the deployment. */
  label: string;
  store?: LimiterSystemOptions['store'];
}

const scriptOpen: Deployment = { kind: 'store-script', timeout: STORE_TIMEOUT, onStoreDown: 'open' };
const scriptClosed: Deployment = { kind: 'store-script', timeout: STORE_TIMEOUT, onStoreDown: 'closed' };
const readThenWrite: Deployment = { kind: 'read-then-write', timeout: STORE_TIMEOUT, onStoreDown: 'open' };
const seedScript: Deployment = { kind: 'seed-script', timeout: STORE_TIMEOUT, onStoreDown: 'open' };

/** Every algorithm in every deployment it can run in (hybrid sync adds counters, so only the counter algorithms). */
export const STUDY_CELLS: StudyCell[] = (Object.keys(ALGORITHMS) as AlgorithmName[]).flatMap((algorithm): StudyCell[] => [
  { algorithm, deployment: scriptOpen, label: 'store script, fail open' },
  { algorithm, deployment: scriptClosed, label: 'store script, fail closed' },
  { algorithm, deployment: readThenWrite, label: 'read-then-write, fail open' },
  { algorithm, deployment: { kind: 'local' }, label: 'local memory' },
  ...(ALGORITHMS[algorithm].counters ? [{ algorithm, deployment: { kind: 'hybrid', syncInterval: seconds(1), timeout: seconds(1) } as Deployment, label: 'hybrid, 1 s sync' }] : []),
  ...(algorithm === 'sliding-log'
    ? [
        { algorithm, deployment: seedScript, label: 'seed script, random repeats', store: { scriptRandom: 'reseeded-per-call' } } as StudyCell,
        { algorithm, deployment: seedScript, label: 'seed script, random continues', store: { scriptRandom: 'continuing' } } as StudyCell,
      ]
    : []),
]);

export const STUDY_TIERS: TierShare[] = [
  { name: 'free', limit: { limit: 100, window: seconds(60) }, share: 0.95 },
  { name: 'pro', limit: { limit: 1_000, window: seconds(60) }, share: 0.05 },
];

export interface StudyOptions {
  users: number;
  servers?: number;
  cells?: StudyCell[];
}

/** The traffic every cell gets, and the outage: the store is cut off from the API servers for 5 s at 40 s. */
export const STUDY_TRAFFIC = {
  duration: seconds(70),
  resolution: ms(10),
  kinds: { steady: 0.996, bursty: 0.003, 'window-edge': 0.0005, spread: 0.0005 },
  /** Most of millions of users are far from their limit: 0.1–1% of it. */
  steadyLoad: [0.001, 0.01] as [number, number],
  outageAt: seconds(40),
  outageFor: seconds(5),
  /** Store service time per command (a single Redis thread does ~100k–200k simple commands a second). */
  commandCost: micros(5),
} as const;

const PERIOD = STUDY_TRAFFIC.duration + seconds(5);
const cellName = (i: number) => `c${String(i + 1).padStart(2, '0')}`;

export function studyDuration(options: Pick<StudyOptions, 'cells'> = {}): Micros {
  return (options.cells ?? STUDY_CELLS).length * PERIOD;
}

/**
 * The study as one simulation: each cell gets its own store and API servers, and the
 * same seeded traffic, replayed in its own period of virtual time one after another
 * (so only one cell's state is alive at a time). API server clocks are drawn within
 * ±50 ms, as NTP keeps them, and are the same in every cell.
 */
export function buildStudy(world: World, options: StudyOptions): void {
  const cells = options.cells ?? STUDY_CELLS;
  const servers = options.servers ?? 4;
  const mix: TrafficMix = { users: options.users, servers, duration: STUDY_TRAFFIC.duration, resolution: STUDY_TRAFFIC.resolution, tiers: STUDY_TIERS, kinds: STUDY_TRAFFIC.kinds, steadyLoad: STUDY_TRAFFIC.steadyLoad };
  const traffic = drawTraffic(world.stream('traffic'), mix);
  const clocks = world.stream('clocks');
  const offsets = Array.from({ length: servers }, () => clocks.int(-ms(50), ms(50)));
  const replays = cells.map((cell, i) => {
    const system = addLimiterSystem(world, {
      system: cellName(i), algorithm: cell.algorithm, deployment: cell.deployment, servers, tiers: STUDY_TIERS,
      serverClock: (s) => ({ clockOffset: offsets[s]! }),
      store: { commandCost: STUDY_TRAFFIC.commandCost, ...cell.store },
    });
    return { system: cellName(i), start: i * PERIOD + ms(1), servers: system.servers, memoryOf: system.memoryOf, alsoFlush: system.caches };
  });
  world.node('clients', trafficSource(traffic, replays));
}

/** The outage of each cell's store, in its own period. */
export function studyFaults(nodeIds: readonly string[], options: StudyOptions): Fault[] {
  return (options.cells ?? STUDY_CELLS).flatMap((_, i): Fault[] => {
    const store = `${cellName(i)}/redis`;
    if (!nodeIds.includes(store)) return [];
    const servers = nodeIds.filter((id) => id.startsWith(`${cellName(i)}/api-`));
    return [{ at: i * PERIOD + ms(1) + STUDY_TRAFFIC.outageAt, kind: 'partition', groups: [[store], servers], duration: STUDY_TRAFFIC.outageFor }];
  });
}

/** The cell the study's own property watches: the atomic sliding log failing closed, which must keep its contract through the outage. */
export function studySafeCell(options: StudyOptions): string {
  return cellName((options.cells ?? STUDY_CELLS).findIndex((c) => c.algorithm === 'sliding-log' && c.deployment === scriptClosed));
}

interface Row {
  requests: number;
  admitted: number;
  over: number;
  goodDenied: number;
  good: number;
  commands: number;
  latencies: Map<Micros, number>;
  memory: { bytes: number; entries: number; users: number } | undefined;
  own: ContractMeter;
  sliding: SlidingWindowMeter;
}

/**
 * The table: for each cell, measured over the same traffic and on true times,
 * - over contract: admitted requests that broke the algorithm's own contract;
 * - worst 60 s: the most any user got in any true window of W, as a multiple of L;
 * - good denied: requests of users under their limit (fewer than L admitted in the last W) that were denied;
 * - added latency p50/p99 (virtual time), store commands per request, peak limiter memory per active user.
 */
export function studySummary(options: StudyOptions): { collect(fact: Fact<LimiterFact | KernelFact>): void; render(): string } {
  const cells = options.cells ?? STUDY_CELLS;
  const tiers = tierLimits(STUDY_TIERS);
  const rows = new Map<string, Row>();
  const rowOf = (system: string): Row => {
    let row = rows.get(system);
    if (!row) {
      const cell = cells[Number(system.slice(1)) - 1]!;
      const own = contractMeter(CONTRACT_OF[cell.algorithm]);
      row = {
        requests: 0, admitted: 0, over: 0, goodDenied: 0, good: 0, commands: 0, latencies: new Map(), memory: undefined,
        own, sliding: own instanceof SlidingWindowMeter ? own : new SlidingWindowMeter(),
      };
      rows.set(system, row);
    }
    return row;
  };
  const done = new Map<string, Omit<Row, 'own' | 'sliding'> & { worst: number }>();
  return {
    collect(fact) {
      if (fact.kind === 'decided') {
        const d = fact.data;
        const row = rowOf(d.system);
        const limit = tiers[d.tier]!;
        if (d.allowed) {
          row.admitted++;
          const t = fact.t + d.delay;
          if (row.sliding.conforms(d.user, t, limit)) row.good++;
          if (row.own.admit(d.user, t, limit) !== undefined) row.over++;
          if (row.sliding !== row.own) row.sliding.admit(d.user, t, limit);
        } else if (row.sliding.conforms(d.user, fact.t, limit)) {
          row.goodDenied++;
          row.good++;
        }
      } else if (fact.kind === 'answered') {
        const a = fact.data;
        const row = rowOf(a.system);
        row.requests += a.requests;
        row.commands += a.commands;
        if (a.requests > 0) {
          row.latencies.set(a.latency, (row.latencies.get(a.latency) ?? 0) + a.requests - a.delays.length);
          for (const delay of a.delays) row.latencies.set(a.latency + delay, (row.latencies.get(a.latency + delay) ?? 0) + 1);
        }
      } else if (fact.kind === 'limiter-memory') {
        const { system, bytes, entries, users } = fact.data;
        const { own: _own, sliding, ...row } = rowOf(system);
        done.set(system, { ...row, memory: { bytes, entries, users }, worst: sliding.worst });
        rows.delete(system);
      }
    },
    render() {
      const header = ['algorithm', 'deployment', 'over contract', 'worst 60 s', 'good denied', 'latency p50', 'p99', 'store cmds/req', 'memory/user'];
      const lines = cells.map((cell, i) => {
        const row = done.get(cellName(i));
        if (!row) return [cell.algorithm, cell.label, 'not finished'];
        const pct = (n: number, of: number) => (of === 0 ? '-' : `${((100 * n) / of).toFixed(2)}%`);
        const memory = row.memory && row.memory.users > 0 ? `${Math.round(row.memory.bytes / row.memory.users)} B, ${(row.memory.entries / row.memory.users).toFixed(1)} entries` : '-';
        const local = cell.deployment.kind === 'local' ? ' (servers)' : '';
        return [
          cell.algorithm, cell.label, pct(row.over, row.admitted), `${row.worst.toFixed(2)} L`, pct(row.goodDenied, row.good),
          formatDuration(percentile(row.latencies, 0.5)), formatDuration(percentile(row.latencies, 0.99)),
          (row.commands / Math.max(1, row.requests)).toFixed(2), memory + local,
        ];
      });
      const widths = header.map((h, c) => Math.max(h.length, ...lines.map((l) => (l[c] ?? '').length)));
      const format = (cols: string[]) => cols.map((col, c) => (c < 2 ? col.padEnd(widths[c]!) : col.padStart(widths[c]!))).join('  ');
      const kinds = Object.entries(STUDY_TRAFFIC.kinds).map(([k, share]) => `${+(share * 100).toFixed(1)}% ${k}`).join(', ');
      const load = STUDY_TRAFFIC.steadyLoad.map((x) => `${x * 100}%`).join('–');
      const tiersText = STUDY_TIERS.map((t) => `${t.share * 100}% ${t.name} ${t.limit.limit}/${formatDuration(t.limit.window)}`).join(', ');
      return [
        `Rate-limiter study: ${options.users.toLocaleString('en-US')} users (${kinds}; ${tiersText}), ${options.servers ?? 4} API servers,`,
        `steady users at ${load} of their limit; ${(done.get(cellName(0))?.requests ?? 0).toLocaleString('en-US')} requests in ${formatDuration(STUDY_TRAFFIC.duration)} per row (arrivals to ${formatDuration(STUDY_TRAFFIC.resolution)}), the same for every row.`,
        `Store cut off from the API servers for ${formatDuration(STUDY_TRAFFIC.outageFor)} at ${formatDuration(STUDY_TRAFFIC.outageAt)}; store timeout ${formatDuration(STORE_TIMEOUT)}; ${STUDY_TRAFFIC.commandCost}µs per store command.`,
        `Contracts: sliding log ≤ L per any 60 s; fixed window and sliding counter ≤ L per aligned minute; token bucket ≤ B + r·T; leaky bucket served ≥ W/L apart.`,
        '',
        format(header),
        format(widths.map((w) => '-'.repeat(w))),
        ...lines.map(format),
      ].join('\n');
    },
  };
}

function percentile(histogram: Map<Micros, number>, q: number): Micros {
  const sorted = [...histogram].sort((a, b) => a[0] - b[0]);
  const total = sorted.reduce((sum, [, n]) => sum + n, 0);
  let seen = 0;
  for (const [value, n] of sorted) if ((seen += n) >= q * total) return value;
  return 0;
}
