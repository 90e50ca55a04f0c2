import { ConfigError, type Micros, type Random } from '../../kernel/index.js';

/** From `at` (true time) until the next step, the link carries `kbps`. */
export interface BandwidthStep {
  at: Micros;
  kbps: number;
}

/**
 * A viewer's access link (the last mile: the bottleneck of home broadband) as world
 * state: its capacity over true time, piecewise constant, drawn from the seed before
 * the run or typed in. Nothing in a node chooses it. A segment's transfer takes
 * exactly as long as its bits need at this capacity, and the properties judge
 * stalls against this same history, not against what a player measured.
 */
export class BandwidthTrace {
  constructor(readonly steps: readonly BandwidthStep[]) {
    if (steps.length === 0 || steps[0]!.at !== 0) throw new ConfigError('bandwidth: a trace starts with a step at 0 µs');
    for (const [i, step] of steps.entries()) {
      if (!(Number.isFinite(step.kbps) && step.kbps > 0)) throw new ConfigError(`bandwidth: step ${i + 1} needs a capacity above 0 kb/s, not ${step.kbps}`);
      if (i > 0 && !(step.at > steps[i - 1]!.at)) throw new ConfigError(`bandwidth: step ${i + 1} at ${step.at} µs is not after the step before it`);
    }
  }

  /** When a transfer of `bits` that starts at `start` has its last bit across: the capacity integrated over time. */
  finish(start: Micros, bits: number): Micros {
    let i = this.stepAt(start);
    let t = start;
    let left = bits;
    for (;;) {
      const { kbps } = this.steps[i]!;
      const next = this.steps[i + 1]?.at;
      // kb/s is bits per millisecond: a span of d µs carries kbps × d / 1000 bits.
      const need = Math.ceil((left * 1000) / kbps);
      if (next === undefined || t + need <= next) return t + need;
      left -= (kbps * (next - t)) / 1000;
      t = next;
      i++;
    }
  }

  /** The lowest capacity at any instant of [from, to]. */
  lowest(from: Micros, to: Micros): number {
    let low = Infinity;
    for (let i = this.stepAt(from); i < this.steps.length && this.steps[i]!.at <= to; i++) low = Math.min(low, this.steps[i]!.kbps);
    return low;
  }

  private stepAt(t: Micros): number {
    let lo = 0;
    let hi = this.steps.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.steps[mid]!.at <= t) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }
}

/**
 * How a link's capacity is drawn: it holds for a period drawn from `period`, then
 * changes; each period is bad with probability `badShare` (a capacity drawn from
 * `bad`, as a congested evening or a weak Wi-Fi) or good (from `good`).
 */
export interface BandwidthProfile {
  period: [Micros, Micros];
  good: [number, number];
  bad: [number, number];
  badShare: number;
}

/** One link's trace over [0, duration]. */
export function drawBandwidth(random: Random, profile: BandwidthProfile, duration: Micros): BandwidthTrace {
  const steps: BandwidthStep[] = [];
  for (let at = 0; at <= duration; at += random.int(...profile.period)) {
    const [lo, hi] = random.chance(profile.badShare) ? profile.bad : profile.good;
    steps.push({ at, kbps: random.int(lo, hi) });
  }
  return new BandwidthTrace(steps);
}
