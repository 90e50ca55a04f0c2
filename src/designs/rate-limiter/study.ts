import { formatDuration, micros, ms, seconds, type Fact, type Fault, type KernelFact, type Micros, type World } from '../../kernel/index.js';
import { ALGORITHMS, type AlgorithmName, type Limit } from './algorithms.js';
import type { Deployment } from './api-server.js';
import { CONTRACT_OF, contractMeter, SlidingWindowMeter, type ContractMeter } from './contracts.js';
import type { LimiterFact } from './facts.js';
import { addLimiterSystem, STORE_TIMEOUT, type LimiterSystemOptions } from './system.js';
import { drawTraffic, trafficSource, userIndex, userName, type TierShare, type TrafficMix } from './traffic.js';

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
  worst: number;
}

type Collecting = Row & { decisions: Decisions };

/**
 * A row's decisions in arrival order, as columns: judged user by user when the row
 * ends. A meter's judgement of a user depends only on that user's decisions, in their
 * order, so this gives what meters fed fact by fact would, without keeping a meter's
 * state for every user of a million at once, each fact visiting a different one.
 */
class Decisions {
  length = 0;
  users = new Int32Array(1024);
  /** True time: of the admission (the decision plus the leaky bucket's delay), or of the denial. */
  times = new Float64Array(1024);
  allowed = new Uint8Array(1024);
  tiers = new Uint8Array(1024);

  push(user: number, t: Micros, allowed: boolean, tier: number): void {
    if (this.length === this.users.length) this.grow();
    const i = this.length++;
    this.users[i] = user;
    this.times[i] = t;
    this.allowed[i] = allowed ? 1 : 0;
    this.tiers[i] = tier;
  }

  private grow(): void {
    const grown = <T extends Int32Array | Float64Array | Uint8Array>(column: T): T => {
      const bigger = new (column.constructor as new (n: number) => T)(column.length * 2);
      bigger.set(column);
      return bigger;
    };
    this.users = grown(this.users);
    this.times = grown(this.times);
    this.allowed = grown(this.allowed);
    this.tiers = grown(this.tiers);
  }
}

/** Users judged by one set of meters: enough to share their set-up, few enough that their state stays in cache. */
const USERS_PER_METER = 4096;

/**
 * Judges a row's decisions with fresh meters, user by user: admissions over the
 * algorithm's own contract, good requests (the user under L in the sliding window)
 * and those of them denied, and the worst sliding window.
 */
function judge(decisions: Decisions, users: number, cell: StudyCell, limits: readonly Limit[]): Pick<Row, 'over' | 'good' | 'goodDenied' | 'worst'> {
  const n = decisions.length;
  // A stable counting sort by user: each user's decisions stay in arrival order. The
  // columns are copied in that order, so the judging below reads them straight through.
  const starts = new Int32Array(users + 1);
  for (let i = 0; i < n; i++) starts[decisions.users[i]! + 1]!++;
  for (let u = 0; u < users; u++) starts[u + 1]! += starts[u]!;
  const filled = starts.slice(0, users);
  const times = new Float64Array(n);
  const tiers = new Uint8Array(n);
  const allowed = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const at = filled[decisions.users[i]!]!++;
    times[at] = decisions.times[i]!;
    tiers[at] = decisions.tiers[i]!;
    allowed[at] = decisions.allowed[i]!;
  }
  const judged = { over: 0, good: 0, goodDenied: 0, worst: 0 };
  let own: ContractMeter | undefined;
  let sliding: SlidingWindowMeter | undefined;
  for (let u = 0; u < users; u++) {
    if (starts[u] === starts[u + 1]) continue;
    if (own === undefined || u % USERS_PER_METER === 0) {
      if (sliding) judged.worst = Math.max(judged.worst, sliding.worst);
      own = contractMeter(CONTRACT_OF[cell.algorithm]);
      sliding = own instanceof SlidingWindowMeter ? own : new SlidingWindowMeter();
    }
    const user = userName(u);
    for (let k = starts[u]!; k < starts[u + 1]!; k++) {
      const t = times[k]!;
      const limit = limits[tiers[k]!]!;
      if (allowed[k] === 1) {
        if (sliding!.conforms(user, t, limit)) judged.good++;
        if (own.breaks(user, t, limit)) judged.over++;
        if (sliding !== own) sliding!.breaks(user, t, limit);
      } else if (sliding!.conforms(user, t, limit)) {
        judged.goodDenied++;
        judged.good++;
      }
    }
  }
  if (sliding) judged.worst = Math.max(judged.worst, sliding.worst);
  return judged;
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
  const limits = STUDY_TIERS.map((t) => t.limit);
  const tierIndex = new Map(STUDY_TIERS.map((t, i) => [t.name, i]));
  const rows = new Map<string, Collecting>();
  // A judged row's columns, emptied for the next row: every row has the same traffic, so
  // they are already as long as it needs (a new set per row grew by doubling, millions long).
  const spare: Decisions[] = [];
  const rowOf = (system: string): Collecting => {
    let row = rows.get(system);
    if (!row) {
      row = { requests: 0, admitted: 0, over: 0, goodDenied: 0, good: 0, commands: 0, latencies: new Map(), memory: undefined, worst: 0, decisions: spare.pop() ?? new Decisions() };
      rows.set(system, row);
    }
    return row;
  };
  const done = new Map<string, Row>();
  return {
    collect(fact) {
      if (fact.kind === 'decided') {
        const d = fact.data;
        const row = rowOf(d.system);
        if (d.allowed) row.admitted++;
        row.decisions.push(userIndex(d.user), d.allowed ? fact.t + d.delay : fact.t, d.allowed, tierIndex.get(d.tier)!);
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
        const { decisions, ...row } = rowOf(system);
        const cell = cells[Number(system.slice(1)) - 1]!;
        done.set(system, { ...row, ...judge(decisions, options.users, cell, limits), memory: { bytes, entries, users } });
        decisions.length = 0;
        spare.push(decisions);
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
        `Contracts: sliding log ≤ L per any 60 s; fixed window and sliding counter ≤ L per aligned minute; token bucket and GCRA ≤ B + r·T; leaky bucket served ≥ W/L apart.`,
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
