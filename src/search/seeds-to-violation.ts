import type { Micros } from '../kernel/index.js';
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
  min: number | undefined;
  max: number | undefined;
  found: number;
  /** The failing run that broke the property earliest in simulated time. */
  shortest: { seed: number; t: Micros } | undefined;
  /** Runs met on the way that failed some other way: `sim check` would fail on each. */
  unexpected: Array<{ seed: number; what: string }>;
}

/**
 * How many seeds a search needs to find a violation of `property`: the median over
 * many disjoint seed ranges, since a single range says more about its luck than
 * about the fault mix. Each range runs as one task on the runner.
 */
export async function seedsToViolation(runner: SeedRunner, located: LocatedScenario, plan: SeedsToViolationPlan): Promise<SeedsToViolation> {
  const stride = plan.stride ?? 1_000_000;
  const unexpected: SeedsToViolation['unexpected'] = [];
  const firsts = await Promise.all(
    Array.from({ length: plan.ranges }, async (_, r) => {
      const from = r * stride + 1;
      const results = await runner.run(located, { from, to: from + plan.cap - 1, swarm: plan.swarm ?? false, stopAt: plan.property });
      for (const result of results) {
        if (result.outcome === 'budget') unexpected.push({ seed: result.seed, what: 'ran out of its event budget' });
        else if (result.violation && result.violation.property !== plan.property) unexpected.push({ seed: result.seed, what: `violates ${result.violation.property}` });
      }
      const last = results.at(-1);
      return last?.violation?.property === plan.property ? { count: results.length, seed: last.seed, t: last.violation.t } : undefined;
    }),
  );
  const counts = firsts.map((f) => f?.count);
  const sorted = counts.map((c) => c ?? Infinity).sort((a, b) => a - b);
  const middle = sorted.length % 2 === 1 ? sorted[(sorted.length - 1) / 2]! : (sorted[sorted.length / 2 - 1]! + sorted[sorted.length / 2]!) / 2;
  const finite = (n: number | undefined) => (n !== undefined && Number.isFinite(n) ? n : undefined);
  const found = firsts.filter((f) => f !== undefined);
  const shortest = found.sort((a, b) => a.t - b.t)[0];
  return {
    counts,
    median: finite(middle),
    min: finite(sorted[0]),
    max: finite(sorted.at(-1)),
    found: found.length,
    shortest: shortest && { seed: shortest.seed, t: shortest.t },
    unexpected: unexpected.sort((a, b) => a.seed - b.seed),
  };
}
