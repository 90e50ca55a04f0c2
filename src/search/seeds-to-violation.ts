import type { LocatedScenario, SeedRunner } from './pool.js';

export interface SeedsToViolationPlan {
  property: string;
  /** Disjoint seed ranges, each searched from its start until the first violation. */
  ranges: number;
  /** Seeds tried per range before giving up on it. */
  cap: number;
  /** Range r starts at seed r * stride + 1. */
  stride?: number;
  swarm?: boolean;
}

export interface SeedsToViolation {
  /** Per range: seeds run up to and including the first violation, or undefined if none within the cap. */
  counts: Array<number | undefined>;
  /** The median over ranges, counting a range that found none as more than the cap; undefined if that is the median. */
  median: number | undefined;
  found: number;
}

/**
 * How many seeds a search needs to find a violation of `property`: the median over
 * many disjoint seed ranges, since a single range says more about its luck than
 * about the fault mix. Each range runs as one task on the runner.
 */
export async function seedsToViolation(runner: SeedRunner, located: LocatedScenario, plan: SeedsToViolationPlan): Promise<SeedsToViolation> {
  const stride = plan.stride ?? 1_000_000;
  const counts = await Promise.all(
    Array.from({ length: plan.ranges }, async (_, r) => {
      const from = r * stride + 1;
      const results = await runner.run(located, { from, to: from + plan.cap - 1, swarm: plan.swarm ?? false, stopAt: plan.property });
      return results.at(-1)?.violation?.property === plan.property ? results.length : undefined;
    }),
  );
  const sorted = counts.map((c) => c ?? Infinity).sort((a, b) => a - b);
  const middle = sorted.length % 2 === 1 ? sorted[(sorted.length - 1) / 2]! : (sorted[sorted.length / 2 - 1]! + sorted[sorted.length / 2]!) / 2;
  return { counts, median: Number.isFinite(middle) ? middle : undefined, found: counts.filter((c) => c !== undefined).length };
}
