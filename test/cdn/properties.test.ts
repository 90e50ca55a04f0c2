import { describe, expect, it } from 'vitest';
import { ms, seconds, type Fact, type Micros, type Property } from '../../src/kernel/index.js';
import { BandwidthTrace } from '../../src/designs/cdn/bandwidth.js';
import type { CdnFact } from '../../src/designs/cdn/facts.js';
import { noRebuffering, originLoadBound } from '../../src/designs/cdn/properties.js';

const fact = <K extends CdnFact['kind']>(t: Micros, node: string, kind: K, data: Extract<CdnFact, { kind: K }>['data']): Fact =>
  ({ t, node, kind, data }) as unknown as Fact;
const fetched = (t: Micros, edge = 'edge-1') => fact(t, 'origin', 'origin-request', { edge, segment: `v1/${t}@300` });
const pressed = (t: Micros, client = 'client-1', play = `${client}/1`) => fact(t, client, 'play-start', { client, play, video: 'v1' });
const stalled = (t: Micros, client = 'client-1', play = `${client}/1`) => fact(t, client, 'stall-start', { client, play, index: 3 });

/** Feeds a hand-built history in time order; returns the first breach's message. */
function judge(property: Property<any>, facts: Fact[]): string | undefined {
  for (const f of facts.sort((a, b) => a.t - b.t)) {
    if (property.watches && !property.watches.includes(f.kind)) continue;
    const breach = property.observe?.(f);
    if (breach) return breach.message;
  }
  return property.finish?.({ t: seconds(60), faultsOverAt: 0 })?.message;
}

describe('origin-load-bound', () => {
  it('holds while no second holds more fetches than the bound, however many there are in all', () => {
    const steady = Array.from({ length: 50 }, (_, i) => fetched(ms(250) * i));
    expect(judge(originLoadBound(4), steady)).toBeUndefined();
  });

  it('is broken by one more fetch within a second, named with the edges that sent them', () => {
    const burst = [fetched(ms(100), 'edge-1'), fetched(ms(300), 'edge-2'), fetched(ms(600), 'edge-1'), fetched(ms(900), 'edge-1')];
    expect(judge(originLoadBound(3), burst)).toMatch(/^the origin received 4 fetches in the second up to 0\.900000s \(edge-1 ×3, edge-2 ×1\): the bound is 3 a second/);
  });

  it('slides: fetches a second or more apart never count together', () => {
    expect(judge(originLoadBound(1), [fetched(seconds(1)), fetched(seconds(2)), fetched(seconds(3))])).toBeUndefined();
    expect(judge(originLoadBound(1), [fetched(seconds(1)), fetched(seconds(2) - 1)])).toMatch(/2 fetches/);
  });
});

describe('no-rebuffering', () => {
  const good = new BandwidthTrace([{ at: 0, kbps: 5_000 }, { at: seconds(10), kbps: 500 }]);
  const dips = new BandwidthTrace([{ at: 0, kbps: 5_000 }, { at: seconds(4), kbps: 200 }, { at: seconds(5), kbps: 5_000 }]);
  const links = new Map([['client-1', good], ['client-2', dips]]);

  it('is broken by a stall while the link never fell below the headroom since the play started', () => {
    expect(judge(noRebuffering(links, 300, 1.5), [pressed(seconds(1)), stalled(seconds(12))])).toMatch(
      /^client-1 stalled at 12\.000000s waiting for segment 3 of play client-1\/1, though its link never carried less than 500 kb\/s since the play started at 1\.000000s \(sufficient: 450 kb\/s/,
    );
  });

  it('excuses a stall once the link dipped below the headroom during the play, and judges the next play afresh', () => {
    expect(judge(noRebuffering(links, 300, 1.5), [pressed(seconds(1), 'client-2'), stalled(seconds(6), 'client-2')])).toBeUndefined();
    const later = [pressed(seconds(6), 'client-2', 'client-2/2'), stalled(seconds(8), 'client-2', 'client-2/2')];
    expect(judge(noRebuffering(links, 300, 1.5), later)).toMatch(/client-2 stalled at 8\.000000s/);
  });

  it('judges against the headroom, not the bare lowest rung', () => {
    expect(judge(noRebuffering(links, 300, 2), [pressed(seconds(1)), stalled(seconds(12))])).toBeUndefined();
  });

  it('holds when nobody stalls', () => {
    expect(judge(noRebuffering(links, 300, 1.5), [pressed(seconds(1)), pressed(seconds(2), 'client-2')])).toBeUndefined();
  });
});
