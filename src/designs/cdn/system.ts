import { ConfigError, ms, seconds, type Fault, type Micros, type Random, type ScenarioSpec, type World } from '../../kernel/index.js';
import { BandwidthTrace, drawBandwidth, type BandwidthProfile, type BandwidthStep } from './bandwidth.js';
import { catalogue, LOWEST, SEGMENT, type Catalogue } from './content.js';
import { edge } from './edge.js';
import { origin } from './origin.js';
import { player, type Abr } from './player.js';
import { noRebuffering, originLoadBound } from './properties.js';
import { steering, type Placement } from './steering.js';
import { cdnSummary } from './summary.js';
import { checkScript, drawWorkload, type PlayStep, type RandomWorkload } from './workload.js';

/**
 * BBA-0's thresholds for this ladder and 2 s segments. The paper's Netflix trial used
 * a 90 s reservoir in a 240 s buffer; these are scaled to the short videos here and
 * chosen so that BBA-0 never rebuffers while the link carries 1.5× the lowest rung
 * (450 kb/s): every rung it may pick at a buffer level B (at most one rung above the
 * rate map f(B), Algorithm 1's hysteresis) downloads at 450 kb/s in less than B minus
 * 1.5 s for round trips, an origin fetch and one failover. Checked rung by rung in
 * test/cdn/abr.test.ts.
 */
export const BBA_MAP = { reservoir: seconds(7), cushion: seconds(24) };
export const BBA: Abr = { kind: 'bba', map: BBA_MAP };
export const THROUGHPUT: Abr = { kind: 'throughput' };
/** The bandwidth under which no stall is excused: 1.5× the lowest rung. */
export const HEADROOM = 1.5;

export const TIMING = {
  /** Player: a request to steering or an edge that takes longer is tried again elsewhere. */
  timeout: ms(700),
  startup: seconds(4),
  maxBuffer: seconds(32),
  /** Edge: a segment is served for 10 s after its fetch (scaled down from the minutes to days of real max-age). */
  ttl: seconds(10),
  /** Below the player's timeout: an edge tells its waiting players to go elsewhere before they give up on it. */
  fetchTimeout: ms(400),
  heartbeatEvery: ms(500),
  suspectAfter: ms(1500),
} as const;

/** Players to edges and steering: 5–20 ms one way. Edges to the origin, an ocean away: 50–100 ms. */
export const NETWORK = { latency: { min: ms(5), max: ms(20) } };
const TO_ORIGIN = { latency: { min: ms(50), max: ms(100) } };

export interface CdnOptions {
  edges: number;
  clients: number;
  content: Catalogue;
  coalescing: boolean;
  placement: Placement;
  abr: Abr;
  /** The random plays, or a script (plain data: a story typed in). */
  workload: { random: RandomWorkload } | { script: PlayStep[] };
  /** Each player's access link: drawn from a profile, or typed in per client (a client left out of a script gets a steady 10 Mb/s). */
  bandwidth: { random: BandwidthProfile } | { script: Record<string, BandwidthStep[]> };
  duration: Micros;
  /** The properties' bounds; none when absent (the study measures, and judges nothing). */
  judge?: { originPerSecond: number };
  /** Prefix of every node name: several systems in one world (the study). */
  scope?: string;
}

/** The node names of a system. */
export function cdnNodes(options: Pick<CdnOptions, 'edges' | 'clients' | 'scope'>) {
  const scope = options.scope ?? '';
  const numbered = (role: string, n: number) => Array.from({ length: n }, (_, i) => `${scope}${role}-${i + 1}`);
  return { origin: `${scope}origin`, steering: `${scope}steering`, edges: numbered('edge', options.edges), clients: numbered('client', options.clients) };
}

/** Each player's link: drawn (one stream per system, so the study's systems share none of each other's draws), or typed in. */
export function accessLinks(world: World, options: CdnOptions): Map<string, BandwidthTrace> {
  const { clients } = cdnNodes(options);
  const { bandwidth } = options;
  if ('script' in bandwidth) {
    for (const client of Object.keys(bandwidth.script)) if (!clients.includes(client)) throw new ConfigError(`bandwidth script: no client '${client}' (clients: ${clients.join(', ')})`);
    return new Map(clients.map((c) => [c, new BandwidthTrace(bandwidth.script[c] ?? [{ at: 0, kbps: 10_000 }])]));
  }
  const random = world.stream(`${options.scope ?? ''}bandwidth`);
  return new Map(clients.map((c) => [c, drawBandwidth(random, bandwidth.random, options.duration)]));
}

/**
 * A video delivery network: the origin, `edges` edge caches, the steering service
 * that places plays on edges, and `clients` players, each behind its own access
 * link. Returns the links (world state: the study and the tests read them).
 */
export function buildCdn(world: World, options: CdnOptions, links: Map<string, BandwidthTrace> = accessLinks(world, options)): Map<string, BandwidthTrace> {
  if (options.edges < 1 || options.clients < 1) throw new ConfigError('cdn: needs at least one edge and one client');
  const names = cdnNodes(options);
  const plan = 'script' in options.workload ? options.workload.script : drawWorkload(world.stream(`${options.scope ?? ''}workload`), names.clients, options.content, options.workload.random);
  checkScript(plan, names.clients, options.content, options.duration);

  world.node(names.origin, origin());
  world.node(names.steering, steering({ edges: names.edges, placement: options.placement, suspectAfter: TIMING.suspectAfter, sessionLength: options.content.segments * SEGMENT + seconds(10) }));
  for (const id of names.edges) {
    world.node(id, edge({ origin: names.origin, steering: names.steering, ttl: TIMING.ttl, coalescing: options.coalescing, fetchTimeout: TIMING.fetchTimeout, heartbeatEvery: TIMING.heartbeatEvery }));
    world.link(id, names.origin, TO_ORIGIN);
    world.link(names.origin, id, TO_ORIGIN);
  }
  for (const id of names.clients) {
    world.node(id, player(plan, { steering: names.steering, content: options.content, abr: options.abr, link: links.get(id)!, timeout: TIMING.timeout, startup: TIMING.startup, maxBuffer: TIMING.maxBuffer }));
  }
  if (options.judge) {
    world.property(originLoadBound(options.judge.originPerSecond));
    world.property(noRebuffering(links, LOWEST, HEADROOM));
  }
  return links;
}

/**
 * The scenarios' world: 4 edges, 32 viewers, 6 videos of 10 segments (20 s), 50 s
 * runs. 24 viewers are a premiere crowd pressing play on v1 within 100 ms of 1 s;
 * the other 8 start in the first 20 s on videos drawn by a Zipf law. Links hold a
 * capacity for 1–4 s, a third of the time a bad one (450–700 kb/s, still at or above
 * the headroom), otherwise 2–8 Mb/s. Scaled down from a real CDN so that 2,000 seeds
 * check in seconds: what matters is that many players ask one edge for the same
 * segment at nearly the same moment, and that links swing by ten times.
 */
export const SCENARIO_WORLD = {
  edges: 4,
  clients: 32,
  content: catalogue(6, 10),
  workload: { random: { premiere: { crowd: 24, at: seconds(1), spread: ms(100) }, window: [0, seconds(20)] as [Micros, Micros], zipf: 1, plays: 1 } },
  bandwidth: { random: { period: [seconds(1), seconds(4)] as [Micros, Micros], good: [2_000, 8_000] as [number, number], bad: [450, 700] as [number, number], badShare: 1 / 3 } },
  duration: seconds(50),
} as const;

/** The origin's stated capacity in the scenarios: fetches a second. */
export const ORIGIN_BOUND = 40;

export interface CdnVariant {
  coalescing: boolean;
  placement: Placement;
  abr: Abr;
}

/** A scenario's system: the scenario world with this variant, judged by both properties. */
export function cdnSystem(variant: CdnVariant, overrides: Partial<CdnOptions> = {}): Pick<ScenarioSpec, 'duration' | 'network' | 'build' | 'summary'> {
  const options: CdnOptions = { ...SCENARIO_WORLD, ...variant, judge: { originPerSecond: ORIGIN_BOUND }, ...overrides };
  return { duration: options.duration, network: NETWORK, build: (world) => void buildCdn(world, options), summary: () => cdnSummary(options.edges) };
}

/**
 * Faults one at a time: the run's first 40 s are cut into 5 s slots, and in each,
 * with probability 4/5, one edge or the steering service crashes (back after
 * 0.5–3 s, empty), pauses (0.2–1.5 s) or has its clock stepped by 1–20 s either way
 * (forwards, an edge's whole cache expires at once). One machine at a time: a
 * viewer's list always has an edge that answers, as a CDN with spare edges in every
 * site has.
 */
export function oneAtATime(random: Random, machines: readonly string[]): Fault[] {
  const faults: Fault[] = [];
  for (let slot = 0; slot < 8; slot++) {
    if (!random.chance(0.8)) continue;
    const at = seconds(5 * slot) + random.int(0, seconds(1));
    const node = random.pick(machines);
    const kind = random.int(0, 2);
    if (kind === 0) faults.push({ at, kind: 'crash', node, restartAfter: random.int(ms(500), seconds(3)) });
    else if (kind === 1) faults.push({ at, kind: 'pause', node, duration: random.int(ms(200), ms(1500)) });
    else faults.push({ at, kind: 'clock-jump', node, delta: (random.chance(0.5) ? 1 : -1) * random.int(seconds(1), seconds(20)) });
  }
  return faults;
}

/** The machines the scenarios' faults reach: the edges and the steering service. */
export const FAULTED = [...cdnNodes(SCENARIO_WORLD).edges, cdnNodes(SCENARIO_WORLD).steering];

export const EXEMPT = {
  client: "viewers: their clocks are the playback reference and their reports (play, stall) are what is judged; a viewer's own crash is no stall of the service",
  origin: 'the system of record, on replicated storage behind it (S3): no edge can mask its outage for content not cached, and its load is what is judged',
};
