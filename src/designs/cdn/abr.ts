import type { Micros } from '../../kernel/index.js';

/**
 * The rate-based rule most players used before buffer-based adaptation: the highest
 * rung at or below the throughput of the last segment (the first segment at the
 * lowest rung). It follows every swing of the throughput samples, and a sample
 * taken just before the capacity drops commits the player to a segment it cannot
 * fetch in the media it has left: the failure Huang et al. (SIGCOMM 2014, §2) saw
 * in Netflix's then-default algorithm.
 */
export function throughputRule(ladder: readonly number[], lastKbps: number | undefined): number {
  if (lastKbps === undefined) return ladder[0]!;
  let chosen = ladder[0]!;
  for (const kbps of ladder) if (kbps <= lastKbps) chosen = kbps;
  return chosen;
}

/** BBA-0's two buffer thresholds. */
export interface BbaMap {
  /** Below this buffer level, always the lowest rung. */
  reservoir: Micros;
  /** Over this much more buffer, the rate map climbs linearly from the lowest rung to the highest. */
  cushion: Micros;
}

/**
 * BBA-0: Huang, Johari, McKeown, Trunnell and Watson, "A Buffer-Based Approach to
 * Rate Adaptation: Evidence from a Large Video Streaming Service", SIGCOMM 2014,
 * §4, Algorithm 1. The rate map f(B) is the lowest rung up to the reservoir r, then
 * a line up to the highest rung at r + cushion. The rate moves only when f(B)
 * crosses the rung above the previous one (then the highest rung below f(B)) or the
 * rung below it (then the lowest rung above f(B)); otherwise it stays. The buffer,
 * not a throughput estimate, decides: while the capacity stays above the lowest
 * rung, a low buffer always asks for the lowest rung, which fills it (§3).
 */
export function bba0(ladder: readonly number[], map: BbaMap, buffer: Micros, previous: number | undefined): number {
  const min = ladder[0]!;
  const max = ladder[ladder.length - 1]!;
  if (buffer <= map.reservoir) return min;
  if (buffer >= map.reservoir + map.cushion) return max;
  const prev = previous ?? min;
  const f = min + ((buffer - map.reservoir) * (max - min)) / map.cushion;
  const above = prev === max ? max : ladder.find((r) => r > prev)!;
  const below = prev === min ? min : [...ladder].reverse().find((r) => r < prev)!;
  if (f >= above) return [...ladder].reverse().find((r) => r < f) ?? min;
  if (f <= below) return ladder.find((r) => r > f) ?? max;
  return prev;
}
