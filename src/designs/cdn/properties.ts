import { formatTime, seconds, type KernelFact, type Micros, type Property } from '../../kernel/index.js';
import type { BandwidthTrace } from './bandwidth.js';
import type { CdnFact } from './facts.js';

type CdnProperty = Property<CdnFact | KernelFact>;

/**
 * Origin load bound: in no second of the run (any window of one second, sliding)
 * does the origin receive more than `perSecond` fetches. Judged on the origin's own
 * facts, at the true times the fetches arrived.
 */
export function originLoadBound(perSecond: number): CdnProperty {
  const window = seconds(1);
  const times: Micros[] = [];
  const edges: string[] = [];
  let first = 0;
  return {
    name: 'origin-load-bound',
    watches: ['origin-request'],
    observe(fact) {
      if (fact.kind !== 'origin-request') return undefined;
      times.push(fact.t);
      edges.push(fact.data.edge);
      while (times[first]! <= fact.t - window) first++;
      const count = times.length - first;
      if (count <= perSecond) return undefined;
      const from = new Map<string, number>();
      for (let i = first; i < times.length; i++) from.set(edges[i]!, (from.get(edges[i]!) ?? 0) + 1);
      const byEdge = [...from].sort((a, b) => b[1] - a[1]);
      return {
        message: `the origin received ${count} fetches in the second up to ${formatTime(fact.t)} (${byEdge.map(([e, n]) => `${e} ×${n}`).join(', ')}): the bound is ${perSecond} a second`,
        nodes: [fact.node, ...byEdge.map(([e]) => e)],
      };
    },
  };
}

/**
 * No rebuffering under sufficient bandwidth: a player may stall only if its access
 * link's true capacity fell below `headroom` × the lowest rung at some instant
 * between the play's start and the stall. While the link can carry the lowest rung
 * with that headroom (for request round trips and a failover, which Huang et al.'s
 * model of §3 leaves out), a stall is the ABR rule's fault, or the CDN's.
 * `links` is the world's bandwidth history, drawn before the run.
 */
export function noRebuffering(links: ReadonlyMap<string, BandwidthTrace>, lowest: number, headroom: number): CdnProperty {
  const sufficient = lowest * headroom;
  const started = new Map<string, Micros>();
  return {
    name: 'no-rebuffering',
    watches: ['play-start', 'stall-start'],
    observe(fact) {
      if (fact.kind === 'play-start') return void started.set(fact.data.play, fact.t);
      if (fact.kind !== 'stall-start') return undefined;
      const from = started.get(fact.data.play)!;
      const low = links.get(fact.data.client)!.lowest(from, fact.t);
      if (low < sufficient) return undefined;
      return {
        message: `${fact.data.client} stalled at ${formatTime(fact.t)} waiting for segment ${fact.data.index} of play ${fact.data.play}, though its link never carried less than ${low} kb/s since the play started at ${formatTime(from)} (sufficient: ${sufficient} kb/s, ${headroom}× the lowest rung of ${lowest} kb/s)`,
        nodes: [fact.node],
      };
    },
  };
}
