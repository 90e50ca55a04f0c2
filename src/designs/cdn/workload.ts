import { ConfigError, type Micros, type Random } from '../../kernel/index.js';
import type { Catalogue } from './content.js';

/**
 * One play, as plain data: `client` presses play on `video` at true time `at`, or
 * (no `at`) as soon as its previous play has ended. The random workload and a
 * typed-in story are both lists of these.
 */
export interface PlayStep {
  client: string;
  at?: Micros;
  video: string;
}

export interface RandomWorkload {
  /**
   * A premiere: the first `crowd` clients press play on the first video within
   * `spread` of `at` (a season released at midnight, a live event's start). They
   * ask for the same first segments at nearly the same moment.
   */
  premiere: { crowd: number; at: Micros; spread: Micros };
  /** The other clients start in this window, each on a video drawn by a Zipf law over the catalogue (exponent `zipf`). */
  window: [Micros, Micros];
  zipf: number;
  /** Plays per client, back to back. */
  plays: number;
}

/** A Zipf draw over `n` ranks: rank k with weight 1 / k^s. */
function zipfDraw(n: number, s: number): (random: Random) => number {
  const cumulative: number[] = [];
  let total = 0;
  for (let k = 1; k <= n; k++) cumulative.push((total += 1 / k ** s));
  return (random) => {
    const x = random.float() * total;
    return cumulative.findIndex((c) => c > x);
  };
}

/** Draws the random workload before the run, as plain data. */
export function drawWorkload(random: Random, clients: readonly string[], content: Catalogue, workload: RandomWorkload): PlayStep[] {
  const rank = zipfDraw(content.videos.length, workload.zipf);
  const steps: PlayStep[] = [];
  clients.forEach((client, i) => {
    const crowd = i < workload.premiere.crowd;
    const at = crowd ? workload.premiere.at + random.int(0, workload.premiere.spread) : random.int(...workload.window);
    for (let p = 0; p < workload.plays; p++) {
      const video = crowd && p === 0 ? content.videos[0]! : content.videos[rank(random)]!;
      steps.push(p === 0 ? { client, at, video } : { client, video });
    }
  });
  return steps;
}

/** Refuses a script that names a client or video that does not exist, or a time outside the run. */
export function checkScript(steps: readonly PlayStep[], clients: readonly string[], content: Catalogue, duration: Micros): void {
  for (const [i, step] of steps.entries()) {
    const where = `workload play ${i + 1}`;
    if (!clients.includes(step.client)) throw new ConfigError(`${where}: no client '${step.client}' (clients: ${clients.join(', ')})`);
    if (!content.videos.includes(step.video)) throw new ConfigError(`${where}: no video '${step.video}' (videos: ${content.videos.join(', ')})`);
    if (step.at !== undefined && !(Number.isSafeInteger(step.at) && step.at >= 0 && step.at <= duration)) {
      throw new ConfigError(`${where}: at must be a time within the run (0 to ${duration} µs), not ${step.at}`);
    }
  }
}
