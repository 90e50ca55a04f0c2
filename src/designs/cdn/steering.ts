import type { Micros, NodeModel } from '../../kernel/index.js';
import type { Heartbeat } from './edge.js';
import { boundedChoice, HashRing } from './ring.js';

export type SteerRequest = { op: 'steer'; video: string };
export type SteerReply = { edges: string[] };

/** How a video's plays are spread over the edges. */
export type Placement = { kind: 'consistent' } | { kind: 'bounded'; epsilon: number };

export interface SteeringOptions {
  edges: readonly string[];
  placement: Placement;
  /** An edge not heard from for this long (on steering's clock) is ranked last. */
  suspectAfter: Micros;
  /** How long a play counts towards its edge's load (bounded loads): the video's length and some slack. */
  sessionLength: Micros;
}

/**
 * The steering service (Netflix's Open Connect control plane): a player asks it
 * where to fetch a video from and gets a ranked list of edges. The first is the
 * video's edge on a consistent-hash ring, or with bounded loads the first on the
 * ring below its capacity; the rest follow in ring order, so a player whose edge
 * fails moves to the edge that would own the video without it. Edges heard from
 * lately come before the others. Loads are the plays steered to each edge within
 * the last `sessionLength`, in memory: a restart forgets them.
 */
export function steering(options: SteeringOptions): NodeModel<Heartbeat | SteerRequest> {
  const ring = new HashRing(options.edges);
  return (ctx) => {
    const heard = new Map<string, Micros>();
    /** Edge → when each play steered to it stops counting. */
    const sessions = new Map<string, Micros[]>(options.edges.map((e) => [e, []]));
    const loads = (now: Micros) => {
      const counts = new Map<string, number>();
      for (const [edge, ends] of sessions) {
        const live = ends.filter((end) => end > now);
        sessions.set(edge, live);
        counts.set(edge, live.length);
      }
      return counts;
    };

    return {
      onMessage(msg, envelope) {
        const now = ctx.now();
        if (msg.op === 'heartbeat') return void heard.set(envelope.from, now);
        const order = ring.order(msg.video);
        const alive = order.filter((e) => now - (heard.get(e) ?? -Infinity) < options.suspectAfter);
        const suspected = order.filter((e) => !alive.includes(e));
        if (suspected.length > 0 && alive.length > 0 && suspected.includes(order[0]!)) ctx.probe('steered past a suspected edge');
        let ranked = [...alive, ...suspected];
        if (options.placement.kind === 'bounded' && alive.length > 0) {
          const counts = loads(now);
          const choice = boundedChoice(alive, counts, options.placement.epsilon);
          if (choice.skipped > 0) ctx.probe('steered past a full edge');
          ranked = [...alive.slice(choice.skipped), ...alive.slice(0, choice.skipped), ...suspected];
        }
        if (options.placement.kind === 'bounded') sessions.get(ranked[0]!)!.push(now + options.sessionLength);
        ctx.annotate(() => ({ alive: alive.length, steered: `${msg.video} → ${ranked[0]}` }));
        ctx.reply(envelope, { edges: ranked } satisfies SteerReply);
      },
    };
  };
}
