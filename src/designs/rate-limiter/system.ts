import { ConfigError, drawFaults, minutes, ms, seconds, type Fault, type Micros, type NodeOptions, type Random, type ScenarioSpec, type World } from '../../kernel/index.js';
import { redisServer, type RedisOptions } from '../redis/server.js';
import { sentinel } from '../redis/sentinel.js';
import type { AlgorithmName, BackwardClock, Limit } from './algorithms.js';
import { apiServer, type Deployment } from './api-server.js';
import { CONTRACT_OF, type ContractName } from './contracts.js';
import { availability, contractHolds } from './properties.js';
import { limiterScripts } from './scripts.js';
import { drawTraffic, scriptedTraffic, trafficSource, type TierShare, type TrafficMix, type TrafficScript } from './traffic.js';

/** The design's tiers: free users get the textbook's 100 per minute, pro users 1,000. */
export const TIERS: TierShare[] = [
  { name: 'free', limit: { limit: 100, window: minutes(1) }, share: 0.9 },
  { name: 'pro', limit: { limit: 1_000, window: minutes(1) }, share: 0.1 },
];

export const tierLimits = (tiers: TierShare[]): Record<string, Limit> => Object.fromEntries(tiers.map((t) => [t.name, t.limit]));

/**
 * How far the seed script's own timestamps are from its decisions, with perfect clocks:
 * ARGV[3] is read to the millisecond on the API server, one network hop (up to 2 ms)
 * before the script runs. Its scenarios judge the sliding window as W minus this, so
 * that what they catch is skew and repetition, not this imprecision (which the strict
 * checker also catches, by one request: see the tests).
 */
export const SEED_SCRIPT_PRECISION: Micros = ms(5);

/** The latency budget the design allows the limiter (< 5 ms): past it a server stops waiting for the store. */
export const STORE_TIMEOUT: Micros = ms(5);

export interface LimiterSystemOptions {
  /** Prefix of every node id, and the `system` named in facts. */
  system: string;
  algorithm: AlgorithmName;
  /** The token bucket's behaviour when its clock steps back (default `keep-later`). */
  onBackwardClock?: BackwardClock;
  deployment: Deployment;
  servers: number;
  tiers: TierShare[];
  /** Clock of API server i (skew, drift). */
  serverClock?: (i: number) => NodeOptions;
  /** The store's options; with `replicationInterval`, a replica and a Sentinel are added for failover. */
  store?: Omit<RedisOptions, 'replica' | 'replicas' | 'scripts'> & { failover?: { pingInterval: Micros; missedPings: number } };
}

export interface LimiterSystem {
  servers: string[];
  store: string | undefined;
  replica: string | undefined;
  /** Nodes that hold the limiter's state: the store, or the servers when they limit locally. */
  memoryOf: string[];
  /** Servers that cache state beside the store (hybrid). */
  caches: string[];
}

/** Adds API servers and, unless they limit locally, the Redis store (with replica and Sentinel for failover). */
export function addLimiterSystem(world: World, options: LimiterSystemOptions): LimiterSystem {
  const id = (name: string) => (options.system === '' ? name : `${options.system}/${name}`);
  const servers = Array.from({ length: options.servers }, (_, i) => id(`api-${i + 1}`));
  const local = options.deployment.kind === 'local';
  const store = local ? undefined : id('redis');
  const failover = options.store?.failover;
  const replica = failover ? id('redis-replica') : undefined;
  const sentinelId = failover ? id('sentinel') : undefined;
  if (store) {
    const { failover: _failover, ...redis } = options.store ?? {};
    world.node(store, redisServer({ ...redis, scripts: limiterScripts(), replicas: replica ? [replica] : undefined }));
    if (replica) world.node(replica, redisServer({ ...redis, scripts: limiterScripts(), replica: true }));
    if (sentinelId) world.node(sentinelId, sentinel({ primary: store, replica: replica!, ...failover! }));
  }
  servers.forEach((server, i) => {
    world.node(
      server,
      apiServer({ system: options.system, algorithm: options.algorithm, onBackwardClock: options.onBackwardClock, tiers: tierLimits(options.tiers), deployment: options.deployment, store, sentinel: sentinelId }),
      options.serverClock?.(i),
    );
  });
  return { servers, store, replica, memoryOf: local ? servers : [store!], caches: options.deployment.kind === 'hybrid' ? servers : [] };
}

export interface LimiterScenarioOptions extends Omit<LimiterSystemOptions, 'system' | 'tiers' | 'serverClock'> {
  users: number;
  kinds: TrafficMix['kinds'];
  /** How long users send requests; the run lasts 5 s more. */
  trafficFor: Micros;
  /** Clock of API server i, drawn from the seed's `clocks` stream. */
  serverClock?: (i: number, clocks: Random) => NodeOptions;
  /** What the scenario is judged by, in this order: contracts on `TIERS`, and availability. */
  judge: Array<ContractName | 'availability'>;
  /** Judge the sliding window as W − slack (see `SEED_SCRIPT_PRECISION`). */
  slack?: Micros;
  /** The most the store's clock steps back (see `availability`). */
  stepBack?: Micros;
  /** Requests typed in instead of drawn from `kinds` (see `TrafficOp`). */
  script?: TrafficScript;
}

/** One limiter system (no prefix), its seeded traffic on `TIERS`, and the properties it is judged by. */
export function limiterScenario(options: LimiterScenarioOptions): Pick<ScenarioSpec, 'duration' | 'build'> {
  const { users, kinds, trafficFor, serverClock, judge, slack, stepBack, script, ...system } = options;
  const tiers = tierLimits(TIERS);
  return {
    duration: trafficFor + seconds(5),
    build(world) {
      const mix: TrafficMix = { users, servers: options.servers, duration: trafficFor, resolution: 1, tiers: TIERS, kinds };
      const traffic = script ? scriptedTraffic(script, mix) : drawTraffic(world.stream('traffic'), mix);
      if (traffic.costs && system.deployment.kind === 'seed-script') throw new ConfigError('the seed script admits one request per call; it takes no cost (drop "cost" from the traffic script)');
      const clocks = world.stream('clocks');
      const built = addLimiterSystem(world, { ...system, system: '', tiers: TIERS, serverClock: serverClock && ((i) => serverClock(i, clocks)) });
      world.node('clients', trafficSource(traffic, [{ system: '', start: ms(1), servers: built.servers }]));
      for (const property of judge) world.property(property === 'availability' ? availability(tiers, { stepBack }) : contractHolds(property, tiers, { slack }));
    },
  };
}

/**
 * Faults for a limiter whose algorithm runs in the store, timed by the store's clock:
 * API servers crash, pause and step their clocks (none of which reaches a decision);
 * the store's clock steps back (NTP correcting a fast clock) and the store stalls for
 * less than the servers' timeout. The store neither crashes (it keeps its counts in
 * memory: a restart forgets them and admits again) nor steps forward (every window
 * would end early): the design's safety rests on both.
 */
/** The most the store's clock steps back over a run, all steps together (up to three of a third each). */
export const STORE_STEP_BACK: Micros = ms(600);

export function storeScriptFaults(random: Random, world: World): Fault[] {
  const apis = world.nodeIds.filter((id) => id.startsWith('api-'));
  const window: [Micros, Micros] = [seconds(5), minutes(3)];
  const backSteps = Array.from({ length: random.int(1, 3) }, (): Fault => ({ at: random.int(...window), kind: 'clock-jump', node: 'redis', delta: -random.int(ms(1), STORE_STEP_BACK / 3) }));
  return [
    // One of each kind on the API servers, every run.
    ...(['crash', 'pause', 'clock-jump'] as const).flatMap((kind) => drawFaults(random, { count: [1, 1], window, weights: { [kind]: 1 }, nodes: apis, duration: [ms(10), seconds(2)], maxJump: seconds(5) })),
    ...drawFaults(random, { count: [1, 2], window, weights: { pause: 1 }, nodes: ['redis'], duration: [ms(1), ms(2)] }),
    ...backSteps,
  ].sort((a, b) => a.at - b.at);
}

/**
 * The store's clock stepped back by 5–20 s and corrected forward by the same amount
 * 1–10 s later, three times (an NTP step in the wrong direction, then undone): its
 * readings never run ahead of true time. A token bucket that keeps the later stamp
 * refills nothing until its clock catches up; one that follows the earlier reading
 * stamps a request in the past, and once the clock is corrected refills the stretch
 * between the two readings a second time.
 */
export function storeClockBackAndForth(random: Random): Fault[] {
  return [1, 2, 3].flatMap((i): Fault[] => {
    const at = minutes(i) - random.int(0, seconds(30));
    const delta = random.int(seconds(5), seconds(20));
    return [
      { at, kind: 'clock-jump', node: 'redis', delta: -delta },
      { at: at + random.int(seconds(1), seconds(10)), kind: 'clock-jump', node: 'redis', delta },
    ];
  });
}

/**
 * An algorithm as one atomic script on the store, timed by the store's clock, under
 * adversarial traffic, while that clock steps forward by 5–20 s three times: every
 * window ends early and every bucket refills for time that never passed, so users at
 * their limit get more than the algorithm's contract allows in true time. What the
 * store-script scenarios assume away (their store clock only ever steps back).
 */
export function storeClockForward(algorithm: AlgorithmName): Pick<ScenarioSpec, 'duration' | 'build' | 'faults'> {
  return {
    ...limiterScenario({
      algorithm, servers: 4, users: 24, trafficFor: minutes(3),
      kinds: { steady: 0.4, bursty: 0.3, 'window-edge': 0.15, spread: 0.15 },
      deployment: { kind: 'store-script', timeout: STORE_TIMEOUT, onStoreDown: 'closed' },
      judge: [CONTRACT_OF[algorithm]],
    }),
    faults: (random) => [1, 2, 3].map((i): Fault => ({ at: minutes(i) - random.int(0, seconds(30)), kind: 'clock-jump', node: 'redis', delta: random.int(seconds(5), seconds(20)) })),
  };
}
