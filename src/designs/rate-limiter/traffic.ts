import { call, checkScript, ConfigError, seconds, sleep, type Micros, type NodeModel, type Random, type Script } from '../../kernel/index.js';
import type { MemoryInfo } from '../redis/keyspace.js';
import { checkLimit, type Limit } from './algorithms.js';
import { limiterFact } from './facts.js';

/**
 * How users behave, relative to their tier's limit L per W:
 * - `steady`: a Poisson stream at a load drawn from `steadyLoad` (default 5–50% of the limit): a good user;
 * - `bursty`: a light stream plus one or two bursts of 0.3–1.2 L within a few seconds;
 * - `window-edge`: adversarial: 2L requests over the second either side of each window edge (about L each side);
 * - `spread`: adversarial: twice the limit, spread evenly over every API server.
 */
export type UserKind = 'steady' | 'bursty' | 'window-edge' | 'spread';
export const USER_KINDS: readonly UserKind[] = ['steady', 'bursty', 'window-edge', 'spread'];

export interface TierShare {
  name: string;
  limit: Limit;
  /** Fraction of users on this tier. */
  share: number;
}

export interface TrafficMix {
  users: number;
  /** How many API servers the load balancer spreads requests over. */
  servers: number;
  /** Requests arrive in [0, duration). */
  duration: Micros;
  /** Arrival times are rounded down to this (coarser: fewer, larger batches). */
  resolution: Micros;
  tiers: TierShare[];
  /** Fraction of users of each kind. */
  kinds: Partial<Record<UserKind, number>>;
  /** The range a steady user's rate is drawn from, as a fraction of its limit. */
  steadyLoad?: [number, number];
}

/** The seeded workload as plain data, in arrival order: request i arrives at times[i] from users[i] at API server servers[i]. */
export interface Traffic {
  mix: TrafficMix;
  times: Float64Array;
  users: Int32Array;
  servers: Uint16Array;
  /** Per user: index into mix.tiers, and kind. */
  userTier: Uint8Array;
  userKind: Uint8Array;
  /** Request i's cost in units (AllowN's n), when some request's is not 1. */
  costs?: Uint32Array;
}

export function userName(user: number): string {
  return `u${user}`;
}

/** The user a `userName` names. */
export function userIndex(name: string): number {
  let user = 0;
  for (let i = 1; i < name.length; i++) user = user * 10 + name.charCodeAt(i) - 48;
  return user;
}

function checkMix(mix: TrafficMix): void {
  if (!Number.isInteger(mix.users) || mix.users <= 0) throw new ConfigError('traffic: users must be a positive integer');
  if (!Number.isInteger(mix.servers) || mix.servers <= 0) throw new ConfigError('traffic: servers must be a positive integer');
  if (mix.tiers.length === 0) throw new ConfigError('traffic: at least one tier');
  for (const tier of mix.tiers) checkLimit(tier.name, tier.limit);
  const shares = (xs: number[]) => Math.abs(xs.reduce((a, b) => a + b, 0) - 1) < 1e-9;
  if (!shares(mix.tiers.map((t) => t.share))) throw new ConfigError('traffic: tier shares must add up to 1');
  if (!shares(Object.values(mix.kinds))) throw new ConfigError('traffic: user kind shares must add up to 1');
  if (mix.resolution <= 0 || mix.duration <= 0) throw new ConfigError('traffic: duration and resolution must be positive');
}

function pickShare<T>(random: Random, items: Array<[T, number]>): T {
  let draw = random.float();
  for (const [item, share] of items) if ((draw -= share) < 0) return item;
  return items[items.length - 1]![0];
}

/**
 * Draws the whole workload from the seed before the run: each user's tier, kind and
 * request times, then the server each request reaches.
 */
export function drawTraffic(random: Random, mix: TrafficMix): Traffic {
  checkMix(mix);
  const userTier = new Uint8Array(mix.users);
  const userKind = new Uint8Array(mix.users);
  const arrivals: number[] = [];
  const slot = 2 ** Math.ceil(Math.log2(mix.users + 1));
  const kinds = USER_KINDS.filter((k) => (mix.kinds[k] ?? 0) > 0).map((k): [number, number] => [USER_KINDS.indexOf(k), mix.kinds[k]!]);
  const tiers = mix.tiers.map((t, i): [number, number] => [i, t.share]);
  const steadyLoad = mix.steadyLoad ?? [0.05, 0.5];
  const at = (user: number, t: number) => {
    if (t >= 0 && t < mix.duration) arrivals.push(Math.floor(t / mix.resolution) * mix.resolution * slot + user);
  };
  const poisson = (user: number, perMicro: number, from: number, to: number) => {
    for (let t = from - Math.log(1 - random.float()) / perMicro; t < to; t -= Math.log(1 - random.float()) / perMicro) at(user, t);
  };
  for (let user = 0; user < mix.users; user++) {
    const tier = pickShare(random, tiers);
    const kind = USER_KINDS[pickShare(random, kinds)]!;
    userTier[user] = tier;
    userKind[user] = USER_KINDS.indexOf(kind);
    const { limit, window } = mix.tiers[tier]!.limit;
    const rate = limit / window;
    switch (kind) {
      case 'steady':
        poisson(user, rate * (steadyLoad[0] + (steadyLoad[1] - steadyLoad[0]) * random.float()), 0, mix.duration);
        break;
      case 'bursty': {
        poisson(user, rate * 0.05, 0, mix.duration);
        for (let bursts = random.int(1, 2); bursts > 0; bursts--) {
          const size = random.int(Math.ceil(0.3 * limit), Math.ceil(1.2 * limit));
          const span = random.int(seconds(0.5), seconds(5));
          const start = random.int(0, Math.max(0, mix.duration - span));
          for (let i = 0; i < size; i++) at(user, start + random.float() * span);
        }
        break;
      }
      case 'window-edge':
        for (let edge = window; edge < mix.duration + seconds(1); edge += window) {
          for (let i = 0; i < 2 * limit; i++) at(user, edge - seconds(1) + random.float() * seconds(2));
        }
        break;
      case 'spread':
        poisson(user, rate * 2, 0, mix.duration);
        break;
    }
  }
  const sorted = Float64Array.from(arrivals).sort();
  const times = new Float64Array(sorted.length);
  const users = new Int32Array(sorted.length);
  const servers = new Uint16Array(sorted.length);
  const roundRobin = new Uint16Array(mix.users);
  const spread = USER_KINDS.indexOf('spread');
  for (let i = 0; i < sorted.length; i++) {
    const user = sorted[i]! % slot;
    times[i] = (sorted[i]! - user) / slot;
    users[i] = user;
    servers[i] = userKind[user] === spread ? roundRobin[user]!++ % mix.servers : random.int(0, mix.servers - 1);
  }
  return { mix, times, users, servers, userTier, userKind };
}

/**
 * Requests typed in (a published story), as plain data: `count` requests of user
 * `user` (`u0`, `u1`, …, on the first tier) reaching API server `server` (0-based,
 * default 0) at true time `at` after the traffic starts, each of `cost` units
 * (default 1: AllowN's n, a request taking n tokens at once). The script becomes the
 * same `Traffic` the random draw makes, replayed by the same `trafficSource`.
 */
export type TrafficOp = { kind: 'requests'; user: string; count: number; server?: number; cost?: number };
export type TrafficScript = Script<TrafficOp>;

/** The traffic a script lists, for `mix` (its users, servers, tiers and duration); a ConfigError for a bad step. */
export function scriptedTraffic(script: TrafficScript, mix: TrafficMix): Traffic {
  checkMix(mix);
  checkScript<TrafficOp>(script, {
    what: 'traffic script',
    clients: ['clients'],
    kinds: ['requests'],
    duration: mix.duration,
    problem: (step) => {
      if (step.at === undefined) return 'requests need an "at": the true time they arrive';
      if (!/^u\d+$/.test(step.user) || userIndex(step.user) >= mix.users) return `no user '${step.user}' (users: u0 to u${mix.users - 1})`;
      if (!(Number.isSafeInteger(step.count) && step.count >= 1)) return '"count" must be 1 or more';
      if (step.cost !== undefined && !(Number.isSafeInteger(step.cost) && step.cost >= 1)) return '"cost" must be a whole number of 1 or more';
      return step.server === undefined || (Number.isSafeInteger(step.server) && step.server >= 0 && step.server < mix.servers) ? undefined : `"server" must be from 0 to ${mix.servers - 1}`;
    },
  });
  const requests = [...script].sort((a, b) => a.at! - b.at!).flatMap((step) => Array.from({ length: step.count }, () => step));
  return {
    mix,
    times: Float64Array.from(requests, (step) => step.at!),
    users: Int32Array.from(requests, (step) => userIndex(step.user)),
    servers: Uint16Array.from(requests, (step) => step.server ?? 0),
    userTier: new Uint8Array(mix.users),
    userKind: new Uint8Array(mix.users),
    ...(requests.some((step) => (step.cost ?? 1) !== 1) ? { costs: Uint32Array.from(requests, (step) => step.cost ?? 1) } : {}),
  };
}

/** A batch of requests reaching one API server at one moment. */
export interface RequestBatch {
  op: 'requests';
  ids: number[];
  users: string[];
  tiers: string[];
  /** Each request's cost, when the traffic has costs (absent: every request costs 1). */
  costs?: number[];
}

const MEMORY_SAMPLE = seconds(5);

/** One system the traffic is replayed against, from `start` (true time). */
export interface Replay {
  system: string;
  start: Micros;
  servers: string[];
  /** Sample these nodes' limiter memory during the traffic (the peak: `limiter-memory` fact), then flush them. */
  memoryOf?: string[];
  /** Also flushed after the traffic (state that is not counted as the limiter's memory, such as hybrid servers' caches). */
  alsoFlush?: string[];
}

/**
 * The outside world: replays the seeded traffic to the API servers of each system,
 * one after another. It stands for clients on true time, so it must have no clock
 * skew and no faults. During each replay it samples the limiter's memory, if asked,
 * and flushes it afterwards. Requests arriving at the same moment at one server travel
 * as one batch.
 */
export function trafficSource(traffic: Traffic, replays: Replay[]): NodeModel {
  for (const replay of replays) {
    if (replay.servers.length !== traffic.mix.servers) throw new ConfigError(`${replay.system}: the traffic was drawn for ${traffic.mix.servers} servers, not ${replay.servers.length}`);
  }
  const tierNames = traffic.mix.tiers.map((t) => t.name);
  // Each request's user and tier, in arrival order: a replay reads them straight through
  // instead of looking every request's user up in arrays as long as the users (a
  // million), a cache miss a request. Each request gets its own copy of its user's
  // name, made in arrival order, so the names a replay reads (to build the user's key)
  // lie side by side too, not scattered over a million strings.
  const requestUsers = Array.from(traffic.users, (user) => userName(user));
  const requestTiers = Array.from(traffic.users, (user) => tierNames[traffic.userTier[user]!]!);
  const activeUsers = new Set(traffic.users).size;
  return (ctx) => {
    let replay = 0;
    let next = 0;
    /** Per server, while a tick's batches are built: how many requests it gets, then how many are in. */
    const perServer = new Uint32Array(traffic.mix.servers);
    const wakeAt = (t: Micros) => ctx.setTimer(Math.max(0, t - ctx.now()), 'arrivals');
    /** Samples the limiter's memory every 5 s of the replay, then flushes it and records the peak. */
    const watchMemory = (current: Replay) => {
      const holders = current.memoryOf;
      if (!holders) return;
      ctx.spawn(
        (function* watch() {
          let peak: MemoryInfo = { keys: 0, entries: 0, bytes: 0 };
          for (let at = MEMORY_SAMPLE; at <= traffic.mix.duration; at += MEMORY_SAMPLE) {
            yield* sleep(MEMORY_SAMPLE);
            let info: MemoryInfo = { keys: 0, entries: 0, bytes: 0 };
            for (const node of holders) {
              const reply = yield* call(node, { op: 'info-memory' }, seconds(1));
              if (!reply.ok) continue;
              const m = reply.body.value as MemoryInfo;
              info = { keys: info.keys + m.keys, entries: info.entries + m.entries, bytes: info.bytes + m.bytes };
            }
            if (info.bytes > peak.bytes) peak = info;
          }
          for (const node of [...holders, ...(current.alsoFlush ?? [])]) ctx.send(node, { op: 'flushall' });
          limiterFact(ctx, 'limiter-memory', { system: current.system, users: activeUsers, ...peak });
        })(),
      );
    };
    if (replays.length > 0 && traffic.times.length > 0) wakeAt(replays[0]!.start + traffic.times[0]!);
    return {
      onTimer() {
        const current = replays[replay]!;
        if (next === 0) watchMemory(current);
        const now = ctx.now() - current.start;
        let end = next;
        while (end < traffic.times.length && traffic.times[end]! <= now) end++;
        // Each server's batch is sized, then filled: no array grows (and is copied) as it
        // fills. Batches go out in the order their servers first appear among the requests.
        const order: number[] = [];
        for (let i = next; i < end; i++) if (perServer[traffic.servers[i]!]!++ === 0) order.push(traffic.servers[i]!);
        const byServer: RequestBatch[] = [];
        for (const server of order) {
          const size = perServer[server]!;
          byServer[server] = { op: 'requests', ids: new Array(size), users: new Array(size), tiers: new Array(size), ...(traffic.costs ? { costs: new Array(size) } : {}) };
          perServer[server] = 0;
        }
        for (let i = next; i < end; i++) {
          const server = traffic.servers[i]!;
          const at = perServer[server]!++;
          byServer[server]!.ids[at] = i;
          byServer[server]!.users[at] = requestUsers[i]!;
          byServer[server]!.tiers[at] = requestTiers[i]!;
          if (traffic.costs) byServer[server]!.costs![at] = traffic.costs[i]!;
        }
        for (const server of order) {
          perServer[server] = 0;
          ctx.send(current.servers[server]!, byServer[server]!);
        }
        next = end;
        if (next < traffic.times.length) return void wakeAt(current.start + traffic.times[next]!);
        if (++replay < replays.length) {
          next = 0;
          wakeAt(replays[replay]!.start + traffic.times[0]!);
        }
      },
    };
  };
}
