import { writeFileSync } from 'node:fs';
import type { RunResult } from '../kernel/index.js';
import { renderDiagram } from './diagram.js';
import { renderHtml, type ReportSubject } from './html.js';

export { renderDiagram } from './diagram.js';
export { embedJson, renderHtml, type ReportSubject } from './html.js';
export { runLanes } from './lanes.js';

export interface ViewOptions {
  /** Write the HTML space-time diagram here. */
  html?: string;
  /** Print the text diagram to the terminal. */
  diagram?: boolean;
}

/** The pictures of a run the user asked for; without either option this does nothing. */
export function showRun(subject: ReportSubject, result: RunResult, options: ViewOptions): void {
  if (options.diagram) console.log(`\n${renderDiagram(result)}`);
  if (options.html) {
    const html = renderHtml(subject, result);
    writeFileSync(options.html, html);
    console.log(`Wrote ${options.html} (${Math.round(Buffer.byteLength(html) / 1024)} KB): open it in a browser.`);
  }
}
