import { describe, expect, it } from 'vitest';
import { ConfigError, defineScenario, runScenario, seconds, type Fault, type TraceEvent } from '../../src/kernel/index.js';
import { catalogue } from '../../src/designs/cdn/content.js';
import { HashRing } from '../../src/designs/cdn/ring.js';
import { BBA, cdnSystem, THROUGHPUT, type CdnOptions, type CdnVariant } from '../../src/designs/cdn/system.js';
import type { PlayStep } from '../../src/designs/cdn/workload.js';
import stampede from '../../scenarios/cdn-stampede.js';
import abrThroughput from '../../scenarios/cdn-abr-throughput.js';
import safe from '../../scenarios/cdn-coalescing-bba.js';

const corrected: CdnVariant = { coalescing: true, placement: { kind: 'bounded', epsilon: 0.25 }, abr: BBA };

/** A small world typed in: `clients` viewers, `edges` edges, one 10-segment video v1 (and v2), the plays and links given. */
function scripted(variant: CdnVariant, options: { clients?: number; edges?: number; plays: PlayStep[]; links?: CdnOptions['bandwidth'] }) {
  return defineScenario({
    description: 'scripted',
    expect: 'safe',
    ...cdnSystem(variant, {
      edges: options.edges ?? 1,
      clients: options.clients ?? 1,
      content: catalogue(2, 10),
      workload: { script: options.plays },
      bandwidth: options.links ?? { script: {} },
      duration: seconds(40),
    }),
  });
}

type FactEvent = Extract<TraceEvent, { kind: 'fact' }> & { data: Record<string, unknown> };
const facts = (trace: TraceEvent[], kind: string) => trace.filter((e): e is FactEvent => e.kind === 'fact' && (e as FactEvent).fact === kind);

describe('the video delivery network, on typed-in stories', () => {
  /** A link that carries 6 Mb/s for 3 s, then 500 kb/s: above 1.5× the lowest rung throughout. */
  const drop = { script: { 'client-1': [{ at: 0, kbps: 6_000 }, { at: seconds(3), kbps: 500 }] } };
  const play: PlayStep[] = [{ client: 'client-1', at: 0, video: 'v1' }];

  it('a throughput-based player stalls when the link drops under a high-rung segment, though the link still carries 500 kb/s', () => {
    const run = runScenario(scripted({ ...corrected, abr: THROUGHPUT }, { plays: play, links: drop }), 1);
    expect(run.violation?.property).toBe('no-rebuffering');
    expect(run.violation?.message).toMatch(/^client-1 stalled at .* though its link never carried less than 500 kb\/s since the play started at 0\.000000s/);
  });

  it('a BBA-0 player on the same link and video plays to the end without a stall, starting at the lowest rung', () => {
    const run = runScenario(scripted(corrected, { plays: play, links: drop }), 1, { trace: true });
    expect(run.violation).toBeUndefined();
    expect(facts(run.trace!, 'stall-start')).toEqual([]);
    expect(facts(run.trace!, 'play-end')).toHaveLength(1);
    expect(facts(run.trace!, 'segment-received')[0]!.data.kbps).toBe(300);
  });

  const crowd: PlayStep[] = ['client-1', 'client-2', 'client-3'].map((client) => ({ client, at: seconds(1), video: 'v1' }));
  const firstSegmentFetches = (trace: TraceEvent[]) => facts(trace, 'origin-request').filter((f) => f.data.segment === 'v1/0@300').length;

  it('three viewers pressing play together on one edge cost the origin one fetch of the first segment with coalescing, three without', () => {
    const coalesced = runScenario(scripted(corrected, { clients: 3, plays: crowd }), 1, { trace: true });
    expect(firstSegmentFetches(coalesced.trace!)).toBe(1);
    expect(facts(coalesced.trace!, 'edge-request').filter((f) => f.data.segment === 'v1/0@300').map((f) => f.data.outcome)).toEqual(['miss', 'coalesced', 'coalesced']);
    const stampeding = runScenario(scripted({ ...corrected, coalescing: false }, { clients: 3, plays: crowd }), 1, { trace: true });
    expect(firstSegmentFetches(stampeding.trace!)).toBe(3);
  });

  it('a viewer whose edge crashes mid-play moves to the next edge on the ring and plays on without a stall', () => {
    const edges = ['edge-1', 'edge-2'];
    const first = new HashRing(edges).order('v1')[0]!;
    const crash: Fault[] = [{ at: seconds(2), kind: 'crash', node: first }];
    const slow = { script: { 'client-1': [{ at: 0, kbps: 700 }] } };
    const run = runScenario(scripted(corrected, { edges: 2, plays: play, links: slow }), 1, { trace: true, faults: crash });
    expect(run.violation).toBeUndefined();
    expect(run.probes['player failed over to the next edge']).toBeGreaterThan(0);
    const from = new Set(facts(run.trace!, 'segment-received').map((f) => f.data.edge));
    expect(from).toEqual(new Set(edges));
    expect(facts(run.trace!, 'play-end')).toHaveLength(1);
  });

  it('refuses plays and links for clients or videos that do not exist, and plays after the run, in one line', () => {
    const bad = (plays: PlayStep[], links?: CdnOptions['bandwidth']) => () => runScenario(scripted(corrected, { plays, links }), 1);
    expect(bad([{ client: 'client-9', at: 0, video: 'v1' }])).toThrow(/workload play 1: no client 'client-9' \(clients: client-1\)/);
    expect(bad([{ client: 'client-1', at: 0, video: 'v9' }])).toThrow(/no video 'v9'/);
    expect(bad([{ client: 'client-1', at: seconds(99), video: 'v1' }])).toThrow(ConfigError);
    expect(bad(play, { script: { 'client-2': [{ at: 0, kbps: 100 }] } })).toThrow(/bandwidth script: no client 'client-2'/);
  });
});

describe('the scenarios, over their first seeds', () => {
  it('cdn-stampede overloads the origin at the premiere', () => {
    const run = runScenario(stampede, 1);
    expect(run.violation?.property).toBe('origin-load-bound');
    expect(run.violation!.t).toBeLessThan(seconds(3));
  });

  it('cdn-abr-throughput stalls a viewer whose link stayed sufficient', () => {
    expect(runScenario(abrThroughput, 1).violation?.property).toBe('no-rebuffering');
  });

  it('cdn-coalescing-bba stays within the origin bound without a stall', () => {
    for (let seed = 1; seed <= 5; seed++) expect(runScenario(safe, seed).violation, `seed ${seed}`).toBeUndefined();
  });

  it('a premiere crowd of 24 on one edge: the bound is met with coalescing and missed by far without, on the same seed', () => {
    expect(runScenario(safe, 1, { faults: [] }).violation).toBeUndefined();
    expect(runScenario(stampede, 1, { faults: [] }).violation?.message).toMatch(/the origin received \d+ fetches in the second up to \d\.\d+s \(edge-\d ×\d+\)/);
  }, 10_000);
});
