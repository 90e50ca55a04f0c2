import { formatDuration, ms, seconds, type Fact, type Fault, type KernelFact, type Micros, type World } from '../../kernel/index.js';
import type { BandwidthTrace } from './bandwidth.js';
import { catalogue, LOWEST } from './content.js';
import type { CdnFact } from './facts.js';
import { noRebuffering } from './properties.js';
import type { Placement } from './steering.js';
import { CdnTally } from './summary.js';
import { accessLinks, BBA, buildCdn, cdnNodes, HEADROOM, SCENARIO_WORLD, type CdnOptions } from './system.js';
import { drawWorkload } from './workload.js';

/** The four designs compared: with or without coalescing, plain consistent hashing or bounded loads (ε = 0.25). */
export const STUDY_DESIGNS: ReadonlyArray<{ scope: string; name: string; coalescing: boolean; placement: Placement }> = [
  { scope: 'a-', name: 'no coalescing, consistent hashing', coalescing: false, placement: { kind: 'consistent' } },
  { scope: 'b-', name: 'no coalescing, bounded loads', coalescing: false, placement: { kind: 'bounded', epsilon: 0.25 } },
  { scope: 'c-', name: 'coalescing, consistent hashing', coalescing: true, placement: { kind: 'consistent' } },
  { scope: 'd-', name: 'coalescing, bounded loads', coalescing: true, placement: { kind: 'bounded', epsilon: 0.25 } },
];

export const STUDY = {
  edges: 8,
  videos: 200,
  segments: 10,
  /**
   * A tenth of the viewers are a premiere crowd pressing play on v1 within 100 ms
   * of 6 s; the others start in the first 10 s. Every viewer then plays videos back
   * to back to the end of the run, each drawn by a Zipf law of exponent 1, so the
   * load is steady while edges fail.
   */
  premiere: { share: 0.1, at: seconds(6), spread: ms(100) },
  window: [0, seconds(10)] as [Micros, Micros],
  plays: 5,
  /** One edge crashes for good at each of these times: the phases of the table are between them. */
  failures: [seconds(25), seconds(45), seconds(65)],
  /** The first phase starts once every viewer has pressed play; the last ends with the run. */
  phases: [seconds(10), seconds(25), seconds(45), seconds(65), seconds(85)],
  duration: seconds(85),
} as const;

const systemOptions = (clients: number, design: (typeof STUDY_DESIGNS)[number]): CdnOptions => ({
  edges: STUDY.edges,
  clients,
  content: catalogue(STUDY.videos, STUDY.segments),
  coalescing: design.coalescing,
  placement: design.placement,
  abr: BBA,
  workload: { script: [] },
  bandwidth: SCENARIO_WORLD.bandwidth,
  duration: STUDY.duration,
  scope: design.scope,
});

/**
 * The four designs side by side in one world, over one plan of plays and one set
 * of access links (each system's viewers renamed by its prefix), losing the same
 * edges at the same times. Every system is checked for rebuffering; the table is the
 * summary.
 */
export function buildStudy(world: World, { clients }: { clients: number }): void {
  const base = { ...systemOptions(clients, STUDY_DESIGNS[0]!), scope: '' };
  const names = cdnNodes(base);
  const plan = drawWorkload(world.stream('workload'), names.clients, base.content, { premiere: { crowd: Math.round(clients * STUDY.premiere.share), at: STUDY.premiere.at, spread: STUDY.premiere.spread }, window: STUDY.window, zipf: 1, plays: STUDY.plays });
  const links = accessLinks(world, base);
  for (const design of STUDY_DESIGNS) {
    const options = { ...systemOptions(clients, design), workload: { script: plan.map((step) => ({ ...step, client: design.scope + step.client })) } };
    const scoped = new Map<string, BandwidthTrace>([...links].map(([client, trace]) => [design.scope + client, trace]));
    buildCdn(world, options, scoped);
    world.property({ ...noRebuffering(scoped, LOWEST, HEADROOM), name: `no-rebuffering (${design.name})` });
  }
}

/** The same edges of every system crash, for good, at the failure times. */
export function studyFaults(clients: number): Fault[] {
  return STUDY_DESIGNS.flatMap((design) => STUDY.failures.map((at, i): Fault => ({ at, kind: 'crash', node: cdnNodes(systemOptions(clients, design)).edges[i]! })));
}

/**
 * The table, from facts at true times: per design and per phase (how many edges
 * are down), the edges' requests and hit ratio, the origin's fetches (mean and peak
 * per second), the busiest live edge's requests over the mean's, and the stalls.
 */
export function studySummary({ clients }: { clients: number }): { collect(fact: Fact<CdnFact | KernelFact>): void; render(): string } {
  const phases = STUDY.phases.length - 1;
  const tallies = new Map(STUDY_DESIGNS.map((d) => [d.scope, Array.from({ length: phases }, (_, down) => new CdnTally(STUDY.edges - down))]));
  const phaseOf = (t: Micros) => {
    for (let p = phases - 1; p >= 0; p--) if (t >= STUDY.phases[p]!) return p;
    return -1;
  };
  let requests = 0;
  return {
    collect(fact) {
      if (fact.kind === 'edge-request') requests++;
      const phase = phaseOf(fact.t);
      if (phase < 0) return;
      tallies.get(fact.node.slice(0, 2))?.[phase]!.collect(fact);
    },
    render() {
      const header = ['design', 'edges down', 'requests', 'hit ratio', 'origin fetches/s', 'per 1,000 requests', 'origin peak/s', 'busiest edge ÷ mean', 'stalls'];
      const lines = STUDY_DESIGNS.flatMap((design) =>
        tallies.get(design.scope)!.map((tally, down) => {
          const n = tally.numbers();
          const span = (STUDY.phases[down + 1]! - STUDY.phases[down]!) / seconds(1);
          return [
            design.name,
            `${down} of ${STUDY.edges}`,
            n.requests.toLocaleString('en-US'),
            `${(100 * n.hitRatio).toFixed(1)}%`,
            (n.originRequests / span).toFixed(1),
            ((1000 * n.originRequests) / Math.max(1, n.requests)).toFixed(0),
            String(n.originPeak),
            n.edgeSkew.toFixed(2),
            String(n.stalls),
          ];
        }),
      );
      const widths = header.map((h, c) => Math.max(h.length, ...lines.map((l) => l[c]!.length)));
      const format = (cols: string[]) => cols.map((col, c) => (c < 2 ? col.padEnd(widths[c]!) : col.padStart(widths[c]!))).join('  ');
      const spans = STUDY.phases.slice(0, -1).map((from, i) => `${formatDuration(from)}–${formatDuration(STUDY.phases[i + 1]!)}`);
      return [
        `CDN study: ${clients.toLocaleString('en-US')} viewers per design; a tenth press play on v1 at ${formatDuration(STUDY.premiere.at)} (a premiere), the others start in the first ${formatDuration(STUDY.window[1])};`,
        `each plays videos of ${STUDY.segments} segments back to back, drawn by a Zipf law over ${STUDY.videos}. Hit ratio: requests that cost the origin nothing (hits and coalesced waits);`,
        `${STUDY.edges} edges; one edge crashes for good at ${STUDY.failures.map(formatDuration).join(', ')}. Phases (edges down 0–3): ${spans.join(', ')}. ${requests.toLocaleString('en-US')} segment requests in all.`,
        '',
        format(header),
        format(widths.map((w) => '-'.repeat(w))),
        ...lines.map(format),
      ].join('\n');
    },
  };
}
