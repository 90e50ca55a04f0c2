import { call, formatDuration, sleep, type Micros, type NodeModel, type TimerHandle } from '../../kernel/index.js';
import { bba0, throughputRule, type BbaMap } from './abr.js';
import type { BandwidthTrace } from './bandwidth.js';
import { LADDER, SEGMENT, segmentBits, segmentKey, type Catalogue } from './content.js';
import type { EdgeReply, EdgeRequest } from './edge.js';
import { cdnFact } from './facts.js';
import type { SteerReply, SteerRequest } from './steering.js';
import type { PlayStep } from './workload.js';

/** How a player picks the next segment's rung: from the last throughput sample, or from its buffer (BBA-0). */
export type Abr = { kind: 'throughput' } | { kind: 'bba'; map: BbaMap };

export interface PlayerOptions {
  steering: string;
  content: Catalogue;
  abr: Abr;
  /** This viewer's access link: world state, not something the player knows. */
  link: BandwidthTrace;
  /** How long a request to the steering service or an edge may take before the player tries again elsewhere. */
  timeout: Micros;
  /** Media buffered before the picture starts moving, and again before it resumes after a stall. */
  startup: Micros;
  /** The player stops fetching while it holds this much media. */
  maxBuffer: Micros;
}

/**
 * A viewer's player: for each play of its plan, it asks the steering service for a
 * ranked list of edges, then fetches the video's segments one after another from
 * the first edge that answers, each at the rung its ABR rule picks, moving down the
 * list when an edge does not answer in time. Playback starts once `startup` of media
 * is buffered and stalls (rebuffers) when the buffer runs dry before the end.
 *
 * The transfer of a segment starts when the edge's first byte arrives and takes as
 * long as the access link's capacity needs for its bits (`BandwidthTrace.finish`,
 * in true time). Players read their own clock for it: the scenarios never disturb a
 * player's clock (it starts at true time, without drift, and players are exempt from
 * clock faults), so it is true time.
 */
export function player(plan: readonly PlayStep[], options: PlayerOptions): NodeModel<never> {
  const total = options.content.segments * SEGMENT;
  return (ctx) => {
    const mine = plan.filter((step) => step.client === ctx.id);
    let plays = 0;
    let play = '';
    /** Media downloaded, and media shown as of local time `since`. */
    let buffered = 0;
    let shown = 0;
    let since = 0;
    let playing = false;
    let began = false;
    let stalled = false;
    let waitingFor = 0;
    let drain: TimerHandle | undefined;

    const position = () => (playing ? Math.min(buffered, shown + (ctx.now() - since)) : shown);
    const level = () => buffered - position();
    /** A timer for the moment the buffer runs dry, while the picture moves and media is still missing. */
    const rearm = () => {
      if (drain) ctx.cancelTimer(drain);
      drain = playing && buffered < total ? ctx.setTimer(level(), 'dry') : undefined;
    };

    function segmentArrived() {
      shown = position();
      since = ctx.now();
      buffered += SEGMENT;
      const enough = level() >= options.startup || buffered >= total;
      if (!began && enough) {
        began = playing = true;
        cdnFact(ctx, 'playback-start', { client: ctx.id, play });
      } else if (stalled && enough) {
        stalled = false;
        playing = true;
        cdnFact(ctx, 'stall-end', { client: ctx.id, play });
      }
      rearm();
    }

    const choose = (previous: number | undefined, lastKbps: number | undefined) =>
      options.abr.kind === 'bba' ? bba0(LADDER, options.abr.map, level(), previous) : throughputRule(LADDER, lastKbps);

    function* steer(video: string) {
      for (;;) {
        const reply = yield* call<SteerReply>(options.steering, { op: 'steer', video } satisfies SteerRequest, options.timeout);
        if (reply.ok) return reply.body.edges;
        ctx.probe('steering asked again');
      }
    }

    function* playOne(video: string) {
      play = `${ctx.id}/${++plays}`;
      buffered = shown = 0;
      since = ctx.now();
      playing = began = stalled = false;
      cdnFact(ctx, 'play-start', { client: ctx.id, play, video });
      const edges = yield* steer(video);
      let current = 0;
      let previous: number | undefined;
      let lastKbps: number | undefined;
      for (let index = 0; index < options.content.segments; index++) {
        waitingFor = index;
        const full = level() - (options.maxBuffer - SEGMENT);
        if (full > 0) yield* sleep(full);
        const kbps = choose(previous, lastKbps);
        const segment = segmentKey(video, index, kbps);
        let asked: Micros;
        for (;;) {
          asked = ctx.now();
          const reply = yield* call<EdgeReply>(edges[current]!, { op: 'get', segment } satisfies EdgeRequest, options.timeout);
          if (reply.ok && reply.body.ok) break;
          current = (current + 1) % edges.length;
          ctx.probe('player failed over to the next edge');
        }
        // The first byte is here; the rest takes what the access link gives.
        const bits = segmentBits(kbps);
        yield* sleep(options.link.finish(ctx.now(), bits) - ctx.now());
        lastKbps = (bits * 1000) / Math.max(1, ctx.now() - asked);
        previous = kbps;
        cdnFact(ctx, 'segment-received', { client: ctx.id, play, index, kbps, edge: edges[current]! });
        segmentArrived();
        ctx.annotate(() => ({ play: `${video} ${index + 1}/${options.content.segments} @${kbps}k`, buffer: formatDuration(level()), edge: edges[current] }));
      }
      yield* sleep(level());
      shown = buffered;
      playing = false;
      cdnFact(ctx, 'play-end', { client: ctx.id, play });
      ctx.annotate({ play: null, buffer: null, edge: null });
    }

    ctx.spawn(
      (function* run() {
        for (const step of mine) {
          if (step.at !== undefined && step.at > ctx.now()) yield* sleep(step.at - ctx.now());
          yield* playOne(step.video);
        }
      })(),
    );

    return {
      onTimer() {
        drain = undefined;
        shown = buffered;
        since = ctx.now();
        playing = false;
        stalled = true;
        cdnFact(ctx, 'stall-start', { client: ctx.id, play, index: waitingFor });
        ctx.annotate({ buffer: 'stalled' });
      },
    };
  };
}
