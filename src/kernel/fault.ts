import type { Micros } from './time.js';
import type { Random } from './random.js';

/**
 * Faults are plain data, drawn or written before the run and executed by it: a
 * failing run prints as its list of faults, and shrinking edits the list.
 * `at` is true time. Faults with a `duration` end by themselves.
 */
export type Fault =
  /** Nodes in different groups cannot reach each other; unlisted nodes reach everyone. */
  | { at: Micros; kind: 'partition'; groups: string[][]; duration: Micros }
  /** Messages from `from` to `to` are lost; the other direction still works. */
  | { at: Micros; kind: 'partition-oneway'; from: string[]; to: string[]; duration: Micros }
  /** `left` and `right` are cut apart; `bridge` still reaches both sides. */
  | { at: Micros; kind: 'partition-bridge'; left: string[]; right: string[]; bridge: string; duration: Micros }
  /** Every link loses, duplicates or delays (reorders) messages more often for a while. */
  | { at: Micros; kind: 'degrade'; loss: number; duplicate: number; reorder: number; duration: Micros }
  /** Stop-the-world: the node handles nothing, then resumes believing what it believed. */
  | { at: Micros; kind: 'pause'; node: string; duration: Micros }
  /** The node stops; volatile state is lost. It restarts after `restartAfter`, if given. */
  | { at: Micros; kind: 'crash'; node: string; restartAfter?: Micros }
  /** The node's wall clock steps by `delta` (negative: backwards, as an NTP step). */
  | { at: Micros; kind: 'clock-jump'; node: string; delta: Micros }
  /** The node's clock runs fast (positive) or slow (negative) by `ppm` from now on. */
  | { at: Micros; kind: 'clock-drift'; node: string; ppm: number };

export type FaultKind = Fault['kind'];

export const FAULT_KINDS: readonly FaultKind[] = [
  'partition', 'partition-oneway', 'partition-bridge', 'degrade', 'pause', 'crash', 'clock-jump', 'clock-drift',
];

/** When the fault's effect is over (true time), or undefined if it lasts for the rest of the run. */
export function faultEnd(fault: Fault): Micros | undefined {
  switch (fault.kind) {
    case 'partition':
    case 'partition-oneway':
    case 'partition-bridge':
    case 'degrade':
    case 'pause':
      return fault.at + fault.duration;
    case 'crash':
      return fault.restartAfter === undefined ? undefined : fault.at + fault.restartAfter;
    case 'clock-jump':
    case 'clock-drift':
      return fault.at;
  }
}

/** Nodes a fault names: for traces, filters and diagrams. */
export function faultNodes(fault: Fault): string[] {
  switch (fault.kind) {
    case 'partition':
      return fault.groups.flat();
    case 'partition-oneway':
      return [...fault.from, ...fault.to];
    case 'partition-bridge':
      return [...fault.left, ...fault.right, fault.bridge];
    case 'degrade':
      return [];
    case 'pause':
    case 'crash':
    case 'clock-jump':
    case 'clock-drift':
      return [fault.node];
  }
}

/** Which faults a random schedule may contain, how many, when, and how strong. */
export interface FaultMix {
  /** How many faults, drawn uniformly from [min, max]. */
  count: [number, number];
  /** True-time window the faults start in. */
  window: [Micros, Micros];
  /** Relative weights of the kinds allowed; kinds left out never occur. */
  weights: Partial<Record<FaultKind, number>>;
  /** Nodes that may be paused, crashed or have their clocks disturbed. */
  nodes: string[];
  /** Nodes that partitions split (defaults to `nodes`). */
  partitionable?: string[];
  /** Durations of pauses, partitions and degradations, and the downtime of a crash. */
  duration: [Micros, Micros];
  /** Largest clock step, either way. */
  maxJump?: Micros;
  /** Largest drift, either way, in ppm. */
  maxDriftPpm?: number;
}

/** Draws a fault schedule from the seed before the run: the run then executes plain data. */
export function drawFaults(random: Random, mix: FaultMix): Fault[] {
  const kinds = FAULT_KINDS.filter((k) => (mix.weights[k] ?? 0) > 0);
  if (kinds.length === 0) return [];
  const total = kinds.reduce((sum, k) => sum + mix.weights[k]!, 0);
  const pickKind = (): FaultKind => {
    let draw = random.float() * total;
    for (const k of kinds) if ((draw -= mix.weights[k]!) < 0) return k;
    return kinds[kinds.length - 1]!;
  };
  const between = ([lo, hi]: [number, number]) => random.int(lo, hi);
  const splittable = mix.partitionable ?? mix.nodes;
  const faults: Fault[] = [];
  for (let n = between(mix.count); n > 0; n--) {
    const at = between(mix.window);
    const duration = between(mix.duration);
    const kind = pickKind();
    switch (kind) {
      case 'partition': {
        const shuffled = random.sample(splittable, splittable.length);
        const cut = random.int(1, Math.max(1, shuffled.length - 1));
        faults.push({ at, kind, groups: [shuffled.slice(0, cut), shuffled.slice(cut)], duration });
        break;
      }
      case 'partition-oneway': {
        const shuffled = random.sample(splittable, splittable.length);
        const cut = random.int(1, Math.max(1, shuffled.length - 1));
        faults.push({ at, kind, from: shuffled.slice(0, cut), to: shuffled.slice(cut), duration });
        break;
      }
      case 'partition-bridge': {
        const shuffled = random.sample(splittable, splittable.length);
        const bridge = shuffled.pop()!;
        const cut = random.int(1, Math.max(1, shuffled.length - 1));
        faults.push({ at, kind, left: shuffled.slice(0, cut), right: shuffled.slice(cut), bridge, duration });
        break;
      }
      case 'degrade':
        faults.push({ at, kind, loss: random.float() * 0.3, duplicate: random.float() * 0.3, reorder: random.float() * 0.3, duration });
        break;
      case 'pause':
        faults.push({ at, kind, node: random.pick(mix.nodes), duration });
        break;
      case 'crash':
        faults.push({ at, kind, node: random.pick(mix.nodes), restartAfter: duration });
        break;
      case 'clock-jump': {
        const max = mix.maxJump ?? duration;
        faults.push({ at, kind, node: random.pick(mix.nodes), delta: random.int(-max, max) });
        break;
      }
      case 'clock-drift': {
        const max = mix.maxDriftPpm ?? 100_000;
        faults.push({ at, kind, node: random.pick(mix.nodes), ppm: random.int(-max, max) });
        break;
      }
    }
  }
  return faults.sort((a, b) => a.at - b.at);
}
