/**
 * Virtual time is an integer number of microseconds. Integers keep traces
 * byte-identical across platforms; microseconds fit a JS number for centuries.
 */
export type Micros = number;

export const micros = (n: number): Micros => Math.round(n);
export const ms = (n: number): Micros => Math.round(n * 1_000);
export const seconds = (n: number): Micros => Math.round(n * 1_000_000);
export const minutes = (n: number): Micros => Math.round(n * 60_000_000);

/** `1.234567s`: fixed six decimals, so columns line up in a trace. */
export function formatTime(t: Micros): string {
  const sign = t < 0 ? '-' : '';
  const abs = Math.abs(t);
  const whole = Math.floor(abs / 1_000_000);
  const frac = String(abs % 1_000_000).padStart(6, '0');
  return `${sign}${whole}.${frac}s`;
}

/** A short human duration: `250ms`, `1.5s`, `40µs`. */
export function formatDuration(d: Micros): string {
  const abs = Math.abs(d);
  if (abs >= 1_000_000) return `${+(d / 1_000_000).toFixed(3)}s`;
  if (abs >= 1_000) return `${+(d / 1_000).toFixed(3)}ms`;
  return `${d}µs`;
}
