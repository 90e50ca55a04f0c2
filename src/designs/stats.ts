/**
 * Figures the designs' summaries and studies print, one definition for all of them.
 * Percentiles are nearest-rank (the smallest value with at least p% of the values at
 * or below it), so a figure is always one of the values measured.
 */
export function percentile(values: readonly number[], p: number): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

export const mean = (values: readonly number[]): number | undefined => (values.length === 0 ? undefined : values.reduce((a, b) => a + b, 0) / values.length);
