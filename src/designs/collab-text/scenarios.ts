import { ms, seconds, type FaultMix, type LinkProfile } from '../../kernel/index.js';
import type { SessionOptions } from './editing.js';

/** What the docs-* scenarios share: 8 s runs, typing in the first 4 s, faults over by about 6 s, 1.5 s to settle. */
export const DOCS_DURATION = seconds(8);

export const docsSessions: Omit<SessionOptions, 'clients'> = {
  window: [0, seconds(4)],
  bursts: [2, 4],
  burstLength: [1, 6],
  deleteShare: 0.3,
  maxIndex: 20,
};

/** Latencies of 5–60 ms reorder messages by themselves; a little loss and duplication on every link. */
export const docsNetwork: Partial<LinkProfile> = { latency: { min: ms(5), max: ms(60) }, loss: 0.02, duplicate: 0.02 };

/** Offline periods (partitions), bursts of loss, duplication and reordering, crashes with restart, pauses, clock steps. */
export function docsFaultMix(nodes: string[]): FaultMix {
  return {
    count: [1, 5],
    window: [ms(200), seconds(4.5)],
    weights: { partition: 3, degrade: 2, crash: 1, pause: 1, 'clock-jump': 1 },
    nodes,
    duration: [ms(50), seconds(1.5)],
  };
}
