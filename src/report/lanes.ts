import { eventNodes, faultNodes, type Fault, type TraceEvent } from '../kernel/index.js';

/**
 * The nodes of a run, one lane each, read from its trace and faults (a run result
 * does not list its nodes). Sorted by name with numbers compared as numbers, so
 * client-2 comes before client-10, and the order is the same in every report.
 */
export function runLanes(trace: readonly TraceEvent[], faults: readonly Fault[] = []): string[] {
  const nodes = new Set<string>();
  for (const e of trace) for (const n of eventNodes(e)) nodes.add(n);
  for (const f of faults) for (const n of faultNodes(f)) nodes.add(n);
  return [...nodes].sort(byNaturalName);
}

function byNaturalName(a: string, b: string): number {
  const split = (s: string) => s.split(/(\d+)/);
  const pa = split(a);
  const pb = split(b);
  for (let i = 0; i < Math.min(pa.length, pb.length); i++) {
    const x = pa[i]!;
    const y = pb[i]!;
    if (x === y) continue;
    if (i % 2 === 1) return Number(x) - Number(y) || (x < y ? -1 : 1);
    return x < y ? -1 : 1;
  }
  return pa.length - pb.length;
}
