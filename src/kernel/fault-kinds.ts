import type { FaultMix } from './fault.js';
import type { Random } from './random.js';
import { formatDuration, seconds, type Micros } from './time.js';

/**
 * Faults are plain data, drawn or written before the run and executed by it: a
 * failing run prints as its list of faults, and shrinking edits the list.
 * `at` is true time. Faults with a `duration` end by themselves.
 *
 * Each kind has one entry in `FAULT_TABLE` below: its fields and their ranges,
 * when it ends, how it reads in one line and on a diagram, how the shrinker makes
 * it milder and how a `FaultMix` draws it. A new kind is a member of this union,
 * an entry in the table, and its execution in the simulation.
 */
export type Fault =
  /** Nodes in different groups cannot reach each other; unlisted nodes reach everyone. */
  | { at: Micros; kind: 'partition'; groups: string[][]; duration: Micros }
  /** Messages from `from` to `to` are lost; the other direction still works. */
  | { at: Micros; kind: 'partition-oneway'; from: string[]; to: string[]; duration: Micros }
  /** `left` and `right` are cut apart; `bridge` still reaches both sides. */
  | { at: Micros; kind: 'partition-bridge'; left: string[]; right: string[]; bridge: string; duration: Micros }
  /** Every link loses, duplicates or delays (reorders) messages more often for a while; each a share in [0, 1]. */
  | { at: Micros; kind: 'degrade'; loss: number; duplicate: number; reorder: number; duration: Micros }
  /** Stop-the-world: the node handles nothing, then resumes believing what it believed. */
  | { at: Micros; kind: 'pause'; node: string; duration: Micros }
  /** The node stops; volatile state is lost. It restarts after `restartAfter`, if given. */
  | { at: Micros; kind: 'crash'; node: string; restartAfter?: Micros }
  /**
   * The machines lose power together (a rack, a zone): each crashes, and its disk
   * keeps only what was synced plus the first writes after the last sync that
   * happened to reach it: the last `lost` share of its unsynced writes (rounded up)
   * are gone. A plain `crash` is a process crash: the operating system's page cache,
   * unsynced writes included, survives it.
   */
  | { at: Micros; kind: 'power-loss'; nodes: string[]; lost: number; restartAfter?: Micros }
  /** The node's wall clock steps by `delta` (negative: backwards, as an NTP step). */
  | { at: Micros; kind: 'clock-jump'; node: string; delta: Micros }
  /** The node's clock runs fast (positive) or slow (negative) by `ppm`, an integer, from now on. */
  | { at: Micros; kind: 'clock-drift'; node: string; ppm: number }
  /**
   * Per-message faults (turmoil's hold and release): of the messages sent while the
   * fault lasts, those matching its filter (each list left out matches anything;
   * `types` is the body's `type` or `op`) are lost, or held back and all released when
   * it ends, in the order they were sent or the reverse. Messages the network itself
   * loses are lost anyway.
   */
  | { at: Micros; kind: 'drop-messages'; from?: string[]; to?: string[]; types?: string[]; duration: Micros }
  | { at: Micros; kind: 'hold-messages'; from?: string[]; to?: string[]; types?: string[]; duration: Micros; release?: 'in-order' | 'reversed' }
  /**
   * Steering, not a failure: tells a node to take a control action its model offers
   * (Raft: `time-out`, start an election now; `hold-election-timer`, for `duration`),
   * as a published timeline says it happened. A node declares the actions it accepts
   * (`steerable` in node.ts). A node that is down or paused at `at` does not take it
   * then; a lasting action is taken whenever the node (re)starts while it lasts.
   */
  | { at: Micros; kind: 'steer'; node: string; action: string; duration?: Micros };

export type FaultKind = Fault['kind'];

/**
 * The largest clock step either way: one day. NTP steps, VM resumes and leap-second
 * mishaps move a clock by seconds to hours; a day also covers a clock set to the
 * wrong date by one. Larger steps model nothing the designs here defend against,
 * and usually mean a value was written in the wrong unit (seconds as µs × 1e6 twice).
 */
export const MAX_CLOCK_JUMP: Micros = seconds(24 * 60 * 60);

/**
 * The largest drift either way, in ppm: just under 1,000,000. At -1,000,000 a clock
 * stands still (a timer on it never fires: `LocalClock.trueDuration` divides by
 * 1,000,000 + ppm), and beyond it would run backwards, which no oscillator does.
 * Real quartz drifts by tens of ppm; the mixes here draw up to 100,000 to make
 * drift matter within a few simulated seconds.
 */
export const MAX_DRIFT_PPM = 999_999;

/**
 * One field of a fault kind: the values it accepts, the nodes it names, and how the
 * shrinker makes the fault milder through it.
 */
export interface FaultField<V> {
  /** What a valid value is, completing `a pause fault needs a "duration": …`. */
  readonly expects: string;
  readonly accepts: (value: unknown) => boolean;
  /** The nodes a valid value names: checked against the scenario's, and drawn as the fault's lanes. */
  readonly nodes?: (value: V) => string[];
  /** The field may be left out. */
  readonly optional?: boolean;
  /**
   * How the shrinker makes the fault milder through this field: `zero` tries 0;
   * `smaller` searches for the smallest magnitude (same sign) that still fails.
   */
  readonly milder?: 'zero' | 'smaller';
}

/**
 * How a fault shows on the diagrams: which lane it marks (none: every lane, the
 * whole network), as what, and the words on the mark. `side` tells the sides of a
 * partition apart.
 */
export interface FaultMark {
  node?: string;
  effect: 'partition' | 'degrade' | 'pause' | 'crash' | 'clock' | 'message' | 'steer';
  side?: number;
  label: string;
}

/** What a kind's `draw` gets: the seed's fault stream, the mix, and the time and duration already drawn. */
export interface FaultDraw {
  random: Random;
  mix: FaultMix;
  at: Micros;
  duration: Micros;
}

type FieldsOf<F extends Fault> = { readonly [K in Exclude<keyof F, 'at' | 'kind'>]-?: FaultField<Exclude<F[K], undefined>> };

export interface FaultKindSpec<F extends Fault> {
  /** Every field besides `at` and `kind`, in the order the shrinker narrows them. */
  readonly fields: FieldsOf<F>;
  /** When the fault's effect is over (true time), or undefined if it lasts for the rest of the run. */
  end(fault: F): Micros | undefined;
  /** One line, for the trace tail, the fault list and the diagrams. */
  describe(fault: F): string;
  marks(fault: F): FaultMark[];
  /**
   * Draws the rest of a fault from `random`; the order of the draws is part of every
   * seed's schedule. None: the kind is only scripted (steering names actions only the
   * scenario knows), and `mixProblem` refuses a mix that weighs it.
   */
  draw?(draw: FaultDraw): F;
  /** What a mix that may draw this kind lacks, if anything. */
  mixProblem(mix: FaultMix): string | undefined;
}

const isMicros = (v: unknown): boolean => Number.isSafeInteger(v) && (v as number) >= 0;
const isNodeName = (v: unknown): boolean => typeof v === 'string' && v !== '';
const isNodeList = (v: unknown): boolean => Array.isArray(v) && v.length > 0 && v.every(isNodeName);

const duration = (options: { optional?: boolean } = {}): FaultField<Micros> => ({
  expects: `an integer number of microseconds, 0 or more${options.optional ? ', or none' : ''}`,
  accepts: isMicros,
  milder: 'smaller',
  ...options,
});
const share: FaultField<number> = {
  expects: 'a number from 0 to 1',
  accepts: (v) => typeof v === 'number' && v >= 0 && v <= 1,
  milder: 'zero',
};
const node: FaultField<string> = { expects: 'the name of a node', accepts: isNodeName, nodes: (id) => [id] };
const nodeList: FaultField<string[]> = { expects: 'a non-empty list of node names', accepts: isNodeList, nodes: (ids) => ids };
const nodeFilter: FaultField<string[]> = { ...nodeList, expects: 'a non-empty list of node names, or none (any node)', optional: true };
const typeFilter: FaultField<string[]> = {
  expects: "a non-empty list of message types (a body's type or op), or none (any message)",
  accepts: isNodeList,
  optional: true,
};
const releaseOrder: FaultField<'in-order' | 'reversed'> = {
  expects: "'in-order' (as sent) or 'reversed', or none (in order)",
  accepts: (v) => v === 'in-order' || v === 'reversed',
  optional: true,
};
const action: FaultField<string> = { expects: 'the name of an action the node accepts', accepts: isNodeName };
const groups: FaultField<string[][]> = {
  expects: 'two or more non-empty lists of node names',
  accepts: (v) => Array.isArray(v) && v.length >= 2 && v.every(isNodeList),
  nodes: (gs) => gs.flat(),
};
const clockStep: FaultField<Micros> = {
  expects: `an integer number of microseconds from -${MAX_CLOCK_JUMP} to ${MAX_CLOCK_JUMP} (a day either way)`,
  accepts: (v) => Number.isSafeInteger(v) && Math.abs(v as number) <= MAX_CLOCK_JUMP,
  milder: 'smaller',
};
const drift: FaultField<number> = {
  expects: `an integer from -${MAX_DRIFT_PPM} to ${MAX_DRIFT_PPM}`,
  accepts: (v) => Number.isSafeInteger(v) && Math.abs(v as number) <= MAX_DRIFT_PPM,
  milder: 'smaller',
};

/** `+250ms` / `-1.2s`, for clock jumps; `minus` is the sign a picture uses. */
const signed = (d: Micros, minus = '-') => (d >= 0 ? '+' : minus) + formatDuration(Math.abs(d));
const pct = (p: number) => `${Math.round(p * 100)}%`;
const list = (nodes: string[]) => `[${nodes.join(' ')}]`;
const afterDuration = (f: { at: Micros; duration: Micros }) => f.at + f.duration;
const atOnce = (f: { at: Micros }) => f.at;

/** Random groups for the partition kinds: `splittable` shuffled, then cut in two non-empty parts. */
function split({ random, mix }: FaultDraw, { bridge }: { bridge: boolean }): { sides: [string[], string[]]; bridge: string } {
  const splittable = mix.partitionable ?? mix.nodes;
  const shuffled = random.sample(splittable, splittable.length);
  const middle = bridge ? shuffled.pop()! : '';
  const cut = random.int(1, Math.max(1, shuffled.length - 1));
  return { sides: [shuffled.slice(0, cut), shuffled.slice(cut)], bridge: middle };
}
const splittableProblem = (mix: FaultMix, kind: FaultKind, least: number) => {
  const field = mix.partitionable === undefined ? 'nodes' : 'partitionable';
  const count = (mix.partitionable ?? mix.nodes).length;
  return count >= least ? undefined : `a ${kind} fault splits ${least} or more nodes, but "${field}" has ${count}: list more, or give ${kind} weight 0`;
};
/** Which messages a per-message fault matches, in words: `append from raft-1 to raft-3 raft-4`. */
const filterText = (f: { from?: string[]; to?: string[]; types?: string[] }) =>
  [f.types ? f.types.join(' ') : 'messages', f.from && `from ${f.from.join(' ')}`, f.to && `to ${f.to.join(' ')}`].filter(Boolean).join(' ');
/** A drawn per-message fault: the messages one node sends. */
const drawFilter = ({ random, mix }: FaultDraw) => ({ from: [random.pick(mix.nodes)] });
const filterMarks = (f: { from?: string[]; to?: string[]; types?: string[] }, what: string): FaultMark[] =>
  f.from || f.to
    ? [...(f.from ?? []).map((n) => ({ node: n, effect: 'message' as const, label: `${what}: ${filterText(f)}` })),
      ...(f.to ?? []).filter((n) => !f.from?.includes(n)).map((n) => ({ node: n, effect: 'message' as const, label: `${what}: ${filterText(f)}` }))]
    : [{ effect: 'message', label: `${what}: ${filterText(f)}` }];
const nodesProblem = (mix: FaultMix, kind: FaultKind) =>
  mix.nodes.length > 0 ? undefined : `a ${kind} fault needs a node from "nodes", which is empty: list the nodes it may hit, or give ${kind} weight 0`;

/**
 * One entry per kind. The order of the entries is the order a `FaultMix` weighs
 * kinds in when it draws one: reordering them changes every drawn schedule.
 */
export const FAULT_TABLE: { readonly [K in FaultKind]: FaultKindSpec<Extract<Fault, { kind: K }>> } = {
  partition: {
    fields: { groups, duration: duration() },
    end: afterDuration,
    describe: (f) => `partition ${f.groups.map(list).join(' | ')} for ${formatDuration(f.duration)}`,
    marks: (f) => f.groups.flatMap((g, side) =>
      g.map((n) => ({ node: n, effect: 'partition' as const, side, label: `partition: side ${String.fromCharCode(65 + side)} ${list(g)}` }))),
    draw: (d) => {
      const { sides } = split(d, { bridge: false });
      return { at: d.at, kind: 'partition', groups: sides, duration: d.duration };
    },
    mixProblem: (mix) => splittableProblem(mix, 'partition', 2),
  },
  'partition-oneway': {
    fields: { from: nodeList, to: nodeList, duration: duration() },
    end: afterDuration,
    describe: (f) => `one-way partition ${list(f.from)} -/-> ${list(f.to)} for ${formatDuration(f.duration)}`,
    marks: (f) => [
      ...f.from.map((n) => ({ node: n, effect: 'partition' as const, side: 0, label: `cannot send to ${f.to.join(' ')}` })),
      ...f.to.map((n) => ({ node: n, effect: 'partition' as const, side: 1, label: `cannot hear from ${f.from.join(' ')}` })),
    ],
    draw: (d) => {
      const { sides: [from, to] } = split(d, { bridge: false });
      return { at: d.at, kind: 'partition-oneway', from, to, duration: d.duration };
    },
    mixProblem: (mix) => splittableProblem(mix, 'partition-oneway', 2),
  },
  'partition-bridge': {
    fields: { left: nodeList, right: nodeList, bridge: node, duration: duration() },
    end: afterDuration,
    describe: (f) => `bridge partition ${list(f.left)} | ${list(f.right)} via ${f.bridge} for ${formatDuration(f.duration)}`,
    marks: (f) => [
      ...f.left.map((n) => ({ node: n, effect: 'partition' as const, side: 0, label: `partition: left ${list(f.left)}` })),
      ...f.right.map((n) => ({ node: n, effect: 'partition' as const, side: 1, label: `partition: right ${list(f.right)}` })),
      { node: f.bridge, effect: 'partition', side: 2, label: 'bridge: reaches both sides' },
    ],
    draw: (d) => {
      const { sides: [left, right], bridge } = split(d, { bridge: true });
      return { at: d.at, kind: 'partition-bridge', left, right, bridge, duration: d.duration };
    },
    mixProblem: (mix) => splittableProblem(mix, 'partition-bridge', 3),
  },
  degrade: {
    fields: { loss: share, duplicate: share, reorder: share, duration: duration() },
    end: afterDuration,
    describe: (f) => `network degraded (loss ${pct(f.loss)}, duplicate ${pct(f.duplicate)}, reorder ${pct(f.reorder)}) for ${formatDuration(f.duration)}`,
    marks: (f) => [{ effect: 'degrade', label: `network degraded: loss ${pct(f.loss)}, duplicate ${pct(f.duplicate)}, reorder ${pct(f.reorder)}` }],
    draw: ({ random, at, duration }) => {
      const loss = random.float() * 0.3;
      const duplicate = random.float() * 0.3;
      const reorder = random.float() * 0.3;
      return { at, kind: 'degrade', loss, duplicate, reorder, duration };
    },
    mixProblem: () => undefined,
  },
  pause: {
    fields: { node, duration: duration() },
    end: afterDuration,
    describe: (f) => `pause ${f.node} for ${formatDuration(f.duration)} (stop-the-world)`,
    marks: (f) => [{ node: f.node, effect: 'pause', label: `paused ${formatDuration(f.duration)}` }],
    draw: ({ random, mix, at, duration }) => ({ at, kind: 'pause', node: random.pick(mix.nodes), duration }),
    mixProblem: (mix) => nodesProblem(mix, 'pause'),
  },
  crash: {
    fields: { node, restartAfter: duration({ optional: true }) },
    end: (f) => (f.restartAfter === undefined ? undefined : f.at + f.restartAfter),
    describe: (f) => `crash ${f.node}${f.restartAfter === undefined ? ' (stays down)' : `, restart after ${formatDuration(f.restartAfter)}`}`,
    marks: (f) => [{ node: f.node, effect: 'crash', label: f.restartAfter === undefined ? 'crashed' : 'crashed, restarts' }],
    draw: ({ random, mix, at, duration }) => ({ at, kind: 'crash', node: random.pick(mix.nodes), restartAfter: duration }),
    mixProblem: (mix) => nodesProblem(mix, 'crash'),
  },
  'clock-jump': {
    fields: { node, delta: clockStep },
    end: atOnce,
    describe: (f) => `clock of ${f.node} jumps ${signed(f.delta)}`,
    marks: (f) => [{ node: f.node, effect: 'clock', label: `clock ${signed(f.delta, '−')}` }],
    draw: ({ random, mix, at, duration }) => {
      const max = mix.maxJump ?? duration;
      const target = random.pick(mix.nodes);
      return { at, kind: 'clock-jump', node: target, delta: random.int(-max, max) };
    },
    mixProblem: (mix) =>
      nodesProblem(mix, 'clock-jump') ??
      (mix.maxJump === undefined && mix.duration[1] > MAX_CLOCK_JUMP
        ? `a clock-jump fault steps by up to "maxJump", or the longest "duration" without it, which is over a day (${MAX_CLOCK_JUMP}µs): give a "maxJump"`
        : undefined),
  },
  'clock-drift': {
    fields: { node, ppm: drift },
    end: atOnce,
    describe: (f) => `clock of ${f.node} drifts ${f.ppm >= 0 ? '+' : ''}${f.ppm}ppm`,
    marks: (f) => [{ node: f.node, effect: 'clock', label: `drift ${f.ppm >= 0 ? '+' : ''}${f.ppm}ppm` }],
    draw: ({ random, mix, at }) => {
      const max = mix.maxDriftPpm ?? 100_000;
      const target = random.pick(mix.nodes);
      return { at, kind: 'clock-drift', node: target, ppm: random.int(-max, max) };
    },
    mixProblem: (mix) => nodesProblem(mix, 'clock-drift'),
  },
  'power-loss': {
    fields: { nodes: nodeList, lost: share, restartAfter: duration({ optional: true }) },
    end: (f) => (f.restartAfter === undefined ? undefined : f.at + f.restartAfter),
    describe: (f) =>
      `power loss on ${list(f.nodes)}: the last ${pct(f.lost)} of unsynced writes lost${f.restartAfter === undefined ? ' (stays down)' : `, restart after ${formatDuration(f.restartAfter)}`}`,
    marks: (f) => f.nodes.map((n) => ({ node: n, effect: 'crash' as const, label: `power loss: ${pct(f.lost)} of unsynced writes lost` })),
    // Half the draws lose every unsynced write, half a random suffix of them.
    draw: ({ random, mix, at, duration }) => ({ at, kind: 'power-loss', nodes: [random.pick(mix.nodes)], lost: random.chance(0.5) ? 1 : random.float(), restartAfter: duration }),
    mixProblem: (mix) => nodesProblem(mix, 'power-loss'),
  },
  'drop-messages': {
    fields: { from: nodeFilter, to: nodeFilter, types: typeFilter, duration: duration() },
    end: afterDuration,
    describe: (f) => `drop ${filterText(f)} for ${formatDuration(f.duration)}`,
    marks: (f) => filterMarks(f, 'dropped'),
    draw: (d) => ({ at: d.at, kind: 'drop-messages', ...drawFilter(d), duration: d.duration }),
    mixProblem: (mix) => nodesProblem(mix, 'drop-messages'),
  },
  'hold-messages': {
    fields: { from: nodeFilter, to: nodeFilter, types: typeFilter, duration: duration(), release: releaseOrder },
    end: afterDuration,
    describe: (f) => `hold ${filterText(f)} for ${formatDuration(f.duration)}, then release them${f.release === 'reversed' ? ' in reverse order' : ''}`,
    marks: (f) => filterMarks(f, 'held'),
    draw: (d) => ({ at: d.at, kind: 'hold-messages', ...drawFilter(d), duration: d.duration }),
    mixProblem: (mix) => nodesProblem(mix, 'hold-messages'),
  },
  steer: {
    fields: { node, action, duration: duration({ optional: true }) },
    end: (f) => (f.duration === undefined ? f.at : f.at + f.duration),
    describe: (f) => `steer ${f.node}: ${f.action}${f.duration === undefined ? '' : ` for ${formatDuration(f.duration)}`}`,
    marks: (f) => [{ node: f.node, effect: 'steer', label: f.action }],
    mixProblem: () => 'steer actions are scripted, never drawn: give steer weight 0 and list the actions in faults()',
  },
};
