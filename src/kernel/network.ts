import type { Fault } from './fault.js';
import { Random, RandomSource } from './random.js';
import type { Micros } from './time.js';

/** How one direction of a link behaves. Probabilities are per message. */
export interface LinkProfile {
  /** One-way latency, drawn uniformly from [min, max]. A spread already reorders messages. */
  latency: { min: Micros; max: Micros };
  loss: number;
  duplicate: number;
  /** Chance that a message is held back by up to ten times the maximum latency. */
  reorder: number;
}

export const DEFAULT_LINK: LinkProfile = {
  latency: { min: 500, max: 2_000 },
  loss: 0,
  duplicate: 0,
  reorder: 0,
};

/**
 * What the network decided for a message: lost (and why), or the delay of its copy
 * and of a duplicate. The network reuses one of these for every message (nothing is
 * allocated per message), so read it at once.
 */
export interface Routing {
  lost: 'partition' | 'loss' | false;
  delay: Micros;
  /** The duplicate's delay, when the message is duplicated. */
  duplicateDelay: Micros | undefined;
}

/** One direction of a link: its profile, its own random stream, and how many partitions cut it now. */
export interface Link {
  readonly from: string;
  readonly to: string;
  profile: LinkProfile;
  random: Random | undefined;
  cuts: number;
}

/**
 * The simulated network: per-link latency, loss, duplication and reordering, and
 * the partitions in force. Each link draws from its own random stream, so a change
 * in traffic on one link does not reshuffle deliveries on any other.
 */
export class Network {
  /** from → to → link: nested maps, so finding a link builds no string key. */
  private readonly links = new Map<string, Map<string, Link>>();
  private readonly cutsById = new Map<number, Link[]>();
  private degradation: Omit<LinkProfile, 'latency'> | undefined;
  private readonly routing: Routing = { lost: false, delay: 0, duplicateDelay: undefined };

  constructor(
    private readonly random: RandomSource,
    private readonly defaults: LinkProfile = DEFAULT_LINK,
  ) {}

  /** Sets the profile of the link from → to (one direction). */
  setLink(from: string, to: string, profile: Partial<LinkProfile>): void {
    const link = this.link(from, to);
    link.profile = { ...link.profile, ...profile };
  }

  /** The link from → to; the same object for the whole run, so a sender can keep it. */
  link(from: string, to: string): Link {
    let row = this.links.get(from);
    if (row === undefined) this.links.set(from, (row = new Map()));
    let link = row.get(to);
    if (link === undefined) row.set(to, (link = { from, to, profile: this.defaults, random: undefined, cuts: 0 }));
    return link;
  }

  route(link: Link): Routing {
    const routing = this.routing;
    if (link.cuts > 0) {
      routing.lost = 'partition';
      return routing;
    }
    const profile = link.profile;
    const rng = (link.random ??= this.random.stream(`link:${link.from}->${link.to}`));
    const degradation = this.degradation;
    const loss = degradation ? Math.max(profile.loss, degradation.loss) : profile.loss;
    const duplicate = degradation ? Math.max(profile.duplicate, degradation.duplicate) : profile.duplicate;
    const reorder = degradation ? Math.max(profile.reorder, degradation.reorder) : profile.reorder;
    // Every message draws the same number of values, whatever the outcome, so one
    // more lost message does not change the latency of the next.
    const lossDraw = rng.float();
    const first = this.delay(profile, reorder, rng);
    const dupDraw = rng.float();
    const second = this.delay(profile, reorder, rng);
    routing.lost = lossDraw < loss ? 'loss' : false;
    routing.delay = first;
    routing.duplicateDelay = dupDraw < duplicate ? second : undefined;
    return routing;
  }

  /** Cuts every listed directed link until `heal(id)` is called. */
  cut(id: number, links: Array<[string, string]>): void {
    const cut = links.map(([from, to]) => this.link(from, to));
    for (const link of cut) link.cuts++;
    this.cutsById.set(id, cut);
  }

  heal(id: number): void {
    for (const link of this.cutsById.get(id) ?? []) link.cuts--;
    this.cutsById.delete(id);
  }

  degrade(profile: Omit<LinkProfile, 'latency'> | undefined): void {
    this.degradation = profile;
  }

  private delay(profile: LinkProfile, reorder: number, rng: Random): Micros {
    const { min, max } = profile.latency;
    const base = min + Math.floor(rng.float() * (max - min + 1));
    const held = rng.float() < reorder ? Math.floor(rng.float() * 10 * max) : (rng.float(), 0);
    return base + held;
  }
}

/** The directed links a full split into groups cuts (nodes not listed are untouched). */
export function splitLinks(groups: string[][]): Array<[string, string]> {
  const links: Array<[string, string]> = [];
  groups.forEach((group, i) =>
    groups.forEach((other, j) => {
      if (i === j) return;
      for (const a of group) for (const b of other) links.push([a, b]);
    }),
  );
  return links;
}

export function oneWayLinks(from: string[], to: string[]): Array<[string, string]> {
  return from.flatMap((a) => to.map((b): [string, string] => [a, b]));
}

/** The directed links a partition fault cuts while it lasts. */
export function cutLinks(fault: Extract<Fault, { kind: 'partition' | 'partition-oneway' | 'partition-bridge' }>): Array<[string, string]> {
  switch (fault.kind) {
    case 'partition':
      return splitLinks(fault.groups);
    case 'partition-oneway':
      return oneWayLinks(fault.from, fault.to);
    case 'partition-bridge':
      return splitLinks([fault.left, fault.right]);
  }
}

/**
 * What is wrong with a link profile a scenario gives, if anything: a negative
 * latency would deliver messages before they were sent, and a probability outside
 * [0, 1] means nothing.
 */
export function linkProfileProblems(profile: unknown): string[] {
  if (typeof profile !== 'object' || profile === null) return ['must be an object like { latency: { min, max }, loss, duplicate, reorder }'];
  const { latency, loss, duplicate, reorder, ...rest } = profile as Record<string, unknown>;
  const problems = Object.keys(rest).map((field) => `has no field '${field}' (it has latency, loss, duplicate, reorder)`);
  if (latency !== undefined) {
    const { min, max } = (latency ?? {}) as { min?: unknown; max?: unknown };
    const micros = (v: unknown) => Number.isSafeInteger(v) && (v as number) >= 0;
    if (!micros(min) || !micros(max)) problems.push(`latency.min and latency.max must be integers >= 0 (microseconds), not ${JSON.stringify(latency)}`);
    else if ((min as number) > (max as number)) problems.push(`latency.min (${min}µs) must not exceed latency.max (${max}µs)`);
  }
  for (const [name, value] of Object.entries({ loss, duplicate, reorder })) {
    if (value !== undefined && !(typeof value === 'number' && value >= 0 && value <= 1)) problems.push(`${name} must be a probability between 0 and 1, not ${JSON.stringify(value)}`);
  }
  return problems;
}
