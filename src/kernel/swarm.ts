import type { Fault, FaultKind, FaultMix } from './fault.js';
import type { Random } from './random.js';

/**
 * Swarm testing (Groce et al., 2012): rather than one mix with every kind of fault
 * on, each seed runs a smaller, different mix. A kind of fault that masks a bug
 * (a crash that wipes the state a pause needed) is then absent from half the runs.
 * Each enabled kind stays with probability 1/2 (at least one stays), and the
 * seed narrows how many faults and how long they last to a random part of the
 * mix's ranges: some seeds run a few long faults, others many short ones. The
 * ranges are narrowed, not scaled down, so a swarm seed has as many faults on
 * average as a fixed one, concentrated on fewer kinds.
 */
export function swarmMix(random: Random, mix: FaultMix): FaultMix {
  const weights = keepSome(random, enabledKinds(mix)).reduce<Partial<Record<FaultKind, number>>>(
    (kept, kind) => ({ ...kept, [kind]: mix.weights[kind] }),
    {},
  );
  return { ...mix, weights, count: narrowed(random, mix.count), duration: narrowed(random, mix.duration) };
}

/** A random part [a, b] of [lo, hi]. */
function narrowed(random: Random, [lo, hi]: [number, number]): [number, number] {
  const a = random.int(lo, hi);
  const b = random.int(lo, hi);
  return a <= b ? [a, b] : [b, a];
}

/**
 * Swarm over a scripted schedule (a scenario with a `faults` function rather than a
 * mix): keep a random subset of the kinds it contains, and of those a random share
 * of the faults.
 */
export function swarmThin(random: Random, faults: readonly Fault[]): Fault[] {
  const kinds = [...new Set(faults.map((f) => f.kind))];
  if (kinds.length === 0) return [];
  const kept = new Set(keepSome(random, kinds));
  const share = random.float();
  return faults.filter((f) => kept.has(f.kind) && random.chance(share));
}

function enabledKinds(mix: FaultMix): FaultKind[] {
  return (Object.keys(mix.weights) as FaultKind[]).filter((k) => (mix.weights[k] ?? 0) > 0).sort();
}

function keepSome<T>(random: Random, items: readonly T[]): T[] {
  const kept = items.filter(() => random.chance(0.5));
  return kept.length > 0 || items.length === 0 ? kept : [random.pick(items)];
}
