/**
 * Delta debugging (Zeller and Hildebrandt, "Simplifying and Isolating
 * Failure-Inducing Input", 2002): the smallest subset of `items` that still
 * `fails`, found by trying ever finer parts and their complements. The result is
 * 1-minimal: removing any single item of it makes the failure go away. `fails`
 * must hold for `items` itself; each distinct subset is tested once.
 */
export function ddmin<T>(items: readonly T[], fails: (subset: T[]) => boolean): T[] {
  const tested = new Map<string, boolean>();
  const test = (indices: number[]) => {
    const key = indices.join(',');
    let result = tested.get(key);
    if (result === undefined) tested.set(key, (result = fails(indices.map((i) => items[i]!))));
    return result;
  };
  let current = items.map((_, i) => i);
  if (current.length > 0 && test([])) return [];
  let granularity = 2;
  while (current.length >= 2) {
    const parts = split(current, granularity);
    const part = parts.find((p) => test(p));
    if (part) {
      current = part;
      granularity = 2;
      continue;
    }
    const complement = parts.length > 2 ? parts.map((_, i) => parts.filter((__, j) => j !== i).flat()).find((c) => test(c)) : undefined;
    if (complement) {
      current = complement;
      granularity = Math.max(granularity - 1, 2);
      continue;
    }
    if (granularity >= current.length) break;
    granularity = Math.min(granularity * 2, current.length);
  }
  return current.map((i) => items[i]!);
}

/** `items` in `count` consecutive parts of nearly equal length. */
function split<T>(items: readonly T[], count: number): T[][] {
  const parts: T[][] = [];
  let start = 0;
  for (let i = 0; i < count; i++) {
    const end = start + Math.floor((items.length - start) / (count - i));
    parts.push(items.slice(start, end));
    start = end;
  }
  return parts;
}
