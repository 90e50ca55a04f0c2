import { formatDuration, seconds, type Fact, type KernelFact, type Micros } from '../../kernel/index.js';
import { SEGMENT } from './content.js';
import type { CdnFact } from './facts.js';
import { percentile } from '../stats.js';

export interface CdnNumbers {
  requests: number;
  hits: number;
  coalesced: number;
  /**
   * The share of the edges' requests that cost the origin nothing: hits, and requests
   * that waited on another's fetch (coalesced). One minus misses over requests.
   */
  hitRatio: number;
  originRequests: number;
  /** The most origin fetches in any one second (sliding). */
  originPeak: number;
  /** The busiest edge's requests over the mean edge's (1 is perfectly even). */
  edgeSkew: number;
  plays: number;
  startupDelays: Micros[];
  stalls: number;
  stallTime: Micros;
  /** Rung changes between consecutive segments of a play, per minute of media received. */
  switchesPerMinute: number;
  meanKbps: number;
}

/** Folds a run's facts into its delivery numbers, all measured on true times. */
export class CdnTally {
  private requests = 0;
  private hits = 0;
  private coalesced = 0;
  private readonly perEdge = new Map<string, number>();
  private readonly origin: Micros[] = [];
  private originPeak = 0;
  private originFirst = 0;
  private readonly pressed = new Map<string, Micros>();
  private readonly startupDelays: Micros[] = [];
  private readonly lastKbps = new Map<string, number>();
  private switches = 0;
  private segments = 0;
  private kbpsTotal = 0;
  private stalls = 0;
  private stallTime = 0;
  private readonly stalledAt = new Map<string, Micros>();

  constructor(private readonly edges: number) {}

  collect(fact: Fact<CdnFact | KernelFact>): void {
    switch (fact.kind) {
      case 'edge-request':
        this.requests++;
        if (fact.data.outcome === 'hit') this.hits++;
        if (fact.data.outcome === 'coalesced') this.coalesced++;
        this.perEdge.set(fact.node, (this.perEdge.get(fact.node) ?? 0) + 1);
        return;
      case 'origin-request':
        this.origin.push(fact.t);
        while (this.origin[this.originFirst]! <= fact.t - seconds(1)) this.originFirst++;
        this.originPeak = Math.max(this.originPeak, this.origin.length - this.originFirst);
        return;
      case 'play-start':
        this.pressed.set(fact.data.play, fact.t);
        return;
      case 'playback-start':
        this.startupDelays.push(fact.t - this.pressed.get(fact.data.play)!);
        return;
      case 'segment-received': {
        const before = this.lastKbps.get(fact.data.play);
        if (before !== undefined && before !== fact.data.kbps) this.switches++;
        this.lastKbps.set(fact.data.play, fact.data.kbps);
        this.segments++;
        this.kbpsTotal += fact.data.kbps;
        return;
      }
      case 'stall-start':
        this.stalls++;
        this.stalledAt.set(fact.data.play, fact.t);
        return;
      case 'stall-end':
        this.stallTime += fact.t - this.stalledAt.get(fact.data.play)!;
        return;
    }
  }

  numbers(): CdnNumbers {
    const mean = this.requests / this.edges;
    const busiest = Math.max(0, ...this.perEdge.values());
    return {
      requests: this.requests,
      hits: this.hits,
      coalesced: this.coalesced,
      hitRatio: this.requests === 0 ? 0 : (this.hits + this.coalesced) / this.requests,
      originRequests: this.origin.length,
      originPeak: this.originPeak,
      edgeSkew: mean === 0 ? 0 : busiest / mean,
      plays: this.pressed.size,
      startupDelays: this.startupDelays,
      stalls: this.stalls,
      stallTime: this.stallTime,
      switchesPerMinute: this.segments === 0 ? 0 : this.switches / ((this.segments * SEGMENT) / seconds(60)),
      meanKbps: this.segments === 0 ? 0 : this.kbpsTotal / this.segments,
    };
  }
}

const time = (t: Micros | undefined) => (t === undefined ? '-' : formatDuration(t));

/** The run's one-line summary: the edges' hit ratio, the origin's load, and what the viewers saw. */
export function cdnSummary(edges: number) {
  const tally = new CdnTally(edges);
  return {
    collect: (fact: Fact) => tally.collect(fact as Fact<CdnFact | KernelFact>),
    render(): string {
      const n = tally.numbers();
      return (
        `${n.requests} segment requests, hit ratio ${(100 * n.hitRatio).toFixed(1)}% (${n.coalesced} coalesced); origin ${n.originRequests} fetches, peak ${n.originPeak}/s; ` +
        `${n.plays} plays, startup p50 ${time(percentile(n.startupDelays, 50))} p99 ${time(percentile(n.startupDelays, 99))}; ` +
        `${n.stalls} stalls (${formatDuration(n.stallTime)}); ${n.switchesPerMinute.toFixed(2)} switches/min; mean ${n.meanKbps.toFixed(0)} kb/s`
      );
    },
  };
}
