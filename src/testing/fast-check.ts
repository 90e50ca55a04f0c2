/**
 * `dst-sim/fast-check`: fault schedules as a fast-check arbitrary, so a property
 * test explores faults and fast-check shrinks a failing schedule.
 */
import fc from 'fast-check';
import { FAULT_TABLE } from '../kernel/fault-kinds.js';
import { ConfigError, DRAWN_KINDS, ms, Random, seconds, validateFaultMix, type Fault, type FaultKind, type FaultMix, type Micros } from '../kernel/index.js';

export interface FaultScheduleOptions {
  /** Nodes that may be paused, crashed or have their clocks disturbed. */
  nodes: string[];
  /** The kinds of fault to draw (see `FAULT_TABLE`); shrinking prefers the ones listed first. */
  kinds: FaultKind[];
  /** True-time window the faults start in. */
  window: [Micros, Micros];
  /** How many faults: [min, max]. */
  count: [number, number];
  /** Nodes that partitions split (default: `nodes`). */
  partitionable?: string[];
  /** Durations of pauses, partitions and degradations, and a crash's downtime (default: 100 ms to 5 s). */
  duration?: [Micros, Micros];
  /** Largest clock step either way (default: the fault's drawn duration). */
  maxJump?: Micros;
  /** Largest drift either way, in ppm (default: 100,000). */
  maxDriftPpm?: number;
}

/**
 * Fault schedules (sorted by time) over `nodes`: each fault is one of `kinds`,
 * drawn by its kind's own `draw` in the fault table, the draw a `FaultMix` makes, so
 * every field is in the range the table and `sim` allow. Its random numbers come from
 * fast-check, which then shrinks a failing schedule: fewer faults, kinds listed
 * earlier, earlier starts, shorter durations, and every other draw towards the
 * mildest value of its range (no loss, a clock step or drift near zero, the first
 * node). A bad option is a ConfigError, as the same mix in a scenario would be.
 */
export function faultSchedule(options: FaultScheduleOptions): fc.Arbitrary<Fault[]> {
  const mix: FaultMix = {
    count: options.count,
    window: options.window,
    weights: Object.fromEntries(options.kinds.map((kind) => [kind, 1])),
    nodes: options.nodes,
    partitionable: options.partitionable,
    duration: options.duration ?? [ms(100), seconds(5)],
    maxJump: options.maxJump,
    maxDriftPpm: options.maxDriftPpm,
  };
  validateFaultMix(mix, [...new Set([...options.nodes, ...(options.partitionable ?? [])])]);
  const scriptedOnly = options.kinds.filter((kind) => FAULT_TABLE[kind].draw === undefined);
  if (scriptedOnly.length > 0) throw new ConfigError(`faultSchedule: ${scriptedOnly.join(', ')} cannot be drawn, only scripted; give kinds from ${DRAWN_KINDS.join(', ')}`);
  // A kind's draw takes at most one number per node (a partition's shuffle) and four more.
  const drawsPerFault = (options.partitionable ?? options.nodes).length + 4;
  const fault = fc
    .record({
      kind: fc.constantFrom(...options.kinds),
      at: fc.integer({ min: mix.window[0], max: mix.window[1] }),
      duration: fc.integer({ min: mix.duration[0], max: mix.duration[1] }),
      draws: fc.array(fc.double({ min: -1, max: 1, minExcluded: true, maxExcluded: true, noNaN: true }), { minLength: drawsPerFault, maxLength: drawsPerFault }),
    })
    .map(({ kind, at, duration, draws }) => FAULT_TABLE[kind].draw!({ random: new ShrinkableDraws(draws), mix, at, duration }) as Fault);
  return fc
    .array(fault, { minLength: options.count[0], maxLength: options.count[1] })
    .map((faults) => faults.sort((a, b) => a.at - b.at));
}

/**
 * A `Random` whose numbers fast-check chose, each in (-1, 1). fast-check shrinks each
 * towards 0, which is made to mean the mildest draw: the low end of a range of
 * durations (`int(lo, hi)` with lo >= 0), zero in a range either side of it (a clock
 * step, a drift), 0 for a share (`float`), the first of a list (`pick`).
 */
class ShrinkableDraws extends Random {
  private next = 0;

  constructor(private readonly draws: readonly number[]) {
    super('fast-check');
  }

  private draw(): number {
    return this.draws[this.next++] ?? 0;
  }

  override float(): number {
    return Math.abs(this.draw());
  }

  /** A draw shrunk to 0 says no: in the fault table a `chance` picks the harsher branch (a power loss losing every unsynced write). */
  override chance(probability: number): boolean {
    return this.float() > 1 - probability;
  }

  override int(min: number, max: number): number {
    const u = this.draw();
    if (min < 0 && max > 0) return u < 0 ? Math.ceil(u * -min) : Math.floor(u * (max + 1));
    return min + Math.floor(Math.abs(u) * (max - min + 1));
  }
}
