import { seconds, type Micros } from '../../kernel/index.js';

/**
 * The encoding ladder, in kb/s: each video is encoded at every rung and cut into
 * segments of `SEGMENT` seconds of media (DASH/HLS). Netflix's ladder of the time
 * ran from 235 kb/s to 5 Mb/s (Huang et al., SIGCOMM 2014, §1); four rungs in that
 * range keep the choices few enough to read in a trace.
 */
export const LADDER: readonly number[] = [300, 750, 1750, 3000];
export const LOWEST = LADDER[0]!;

/** Media per segment: 2 s, the length Apple's HLS guidelines give for low-latency work and dash.js's default. */
export const SEGMENT: Micros = seconds(2);

/** A segment's bits: its rung's rate times its length (constant-bitrate encoding). */
export const segmentBits = (kbps: number): number => (kbps * SEGMENT) / 1000;

/** A segment's cache key: video, index and rung. */
export const segmentKey = (video: string, index: number, kbps: number): string => `${video}/${index}@${kbps}`;

/** The bits of the segment a key names. */
export function bitsOfKey(key: string): number {
  return segmentBits(Number(key.slice(key.lastIndexOf('@') + 1)));
}

/** The catalogue: `v1`..`vN`, every video `segments` segments long. */
export interface Catalogue {
  videos: readonly string[];
  segments: number;
}

export const catalogue = (videos: number, segments: number): Catalogue => ({ videos: Array.from({ length: videos }, (_, i) => `v${i + 1}`), segments });
