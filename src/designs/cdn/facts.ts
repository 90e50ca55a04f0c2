import { factEmitter } from '../../kernel/index.js';

/** How an edge answered a client's request for a segment. */
export type EdgeOutcome = 'hit' | 'miss' | 'coalesced';

/**
 * What really happened in the video delivery network, stamped with true time by the
 * kernel. The origin's facts are the load it really received; the players' are what
 * a viewer really saw (when playback began, stalled, resumed). The bandwidth a
 * player had is not a fact: it is world state, drawn before the run (`bandwidth.ts`),
 * and the properties are handed it.
 */
export type CdnFact =
  /** The origin received a fetch of `segment` from `edge`. */
  | { kind: 'origin-request'; data: { edge: string; segment: string } }
  /** An edge handled a client's request for `segment`: from its cache, by fetching it, or by waiting on a fetch in flight. */
  | { kind: 'edge-request'; data: { client: string; segment: string; outcome: EdgeOutcome } }
  /** A viewer pressed play: play `play` of `video`. */
  | { kind: 'play-start'; data: { client: string; play: string; video: string } }
  /** The last byte of segment `index` at `kbps` reached the player, from `edge`. */
  | { kind: 'segment-received'; data: { client: string; play: string; index: number; kbps: number; edge: string } }
  /** The picture started moving: the startup delay is this fact's time minus the play's start. */
  | { kind: 'playback-start'; data: { client: string; play: string } }
  /** The buffer ran dry before the end of the video: the picture froze (rebuffering), waiting for segment `index`. */
  | { kind: 'stall-start'; data: { client: string; play: string; index: number } }
  /** Playback resumed after a stall. */
  | { kind: 'stall-end'; data: { client: string; play: string } }
  /** The last frame of the play was shown. */
  | { kind: 'play-end'; data: { client: string; play: string } };

export const cdnFact = factEmitter<CdnFact>();
