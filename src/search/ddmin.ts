/**
 * Delta debugging (Zeller and Hildebrandt, "Simplifying and Isolating
 * Failure-Inducing Input", 2002): the smallest subset of `items` that still
 * `fails`, found by trying ever finer parts and their complements. The result is
 * 1-minimal: removing any single item of it makes the failure go away. `fails`
 * must hold for `items` itself; each distinct subset is tested once. `fails` may be
 * asynchronous (a run of a model with async workflows is).
 */
export async function ddmin<T>(items: readonly T[], fails: (subset: T[]) => boolean | Promise<boolean>): Promise<T[]> {
  const tested = new Map<string, boolean>();
  const test = async (indices: number[]) => {
    const key = indices.join(',');
    let result = tested.get(key);
    if (result === undefined) tested.set(key, (result = await fails(indices.map((i) => items[i]!))));
    return result;
  };
  const firstFailing = async (candidates: number[][]) => {
    for (const candidate of candidates) if (await test(candidate)) return candidate;
    return undefined;
  };
  let current = items.map((_, i) => i);
  if (current.length > 0 && (await test([]))) return [];
  let granularity = 2;
  while (current.length >= 2) {
    const parts = split(current, granularity);
    const part = await firstFailing(parts);
    if (part) {
      current = part;
      granularity = 2;
      continue;
    }
    const complement = parts.length > 2 ? await firstFailing(parts.map((_, i) => parts.filter((__, j) => j !== i).flat())) : undefined;
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
