import type { SearchProgress } from '../search/search.js';

/**
 * A search's progress on one line of the terminal (stderr), redrawn at most every
 * 200 ms: seeds done, seeds per second, failures so far, time left. Nothing at all
 * when stderr is not a terminal (CI logs, pipes) or when asked to be quiet.
 */
export function progressLine(quiet: boolean | undefined, budgetMs: number | undefined, label = ''): { update(p: SearchProgress): void; clear(): void } | undefined {
  if (quiet || !process.stderr.isTTY) return undefined;
  let drawn = false;
  let lastDraw = 0;
  return {
    update(p) {
      if (p.elapsedMs - lastDraw < 200) return;
      lastDraw = p.elapsedMs;
      const rate = p.done / (p.elapsedMs / 1000);
      const leftMs = budgetMs !== undefined ? budgetMs - p.elapsedMs : p.total !== undefined ? ((p.total - p.done) / rate) * 1000 : undefined;
      const parts = [
        `${label}${p.done}${p.total === undefined ? '' : `/${p.total}`} seeds`,
        `${rate.toFixed(0)} seeds/s`,
        `${p.failures} failing`,
        ...(leftMs === undefined ? [] : [`${Math.max(0, leftMs / 1000).toFixed(0)}s left`]),
      ];
      process.stderr.write(`\r\x1b[K${parts.join(' · ')}`);
      drawn = true;
    },
    clear() {
      if (drawn) process.stderr.write('\r\x1b[K');
    },
  };
}
