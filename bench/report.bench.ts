/**
 * The HTML report: how long it takes to write, how big it is, and how long one
 * frame takes to paint in Chromium for runs of 16k and 50k events (the page must
 * stay responsive: a frame well under 16 ms while zoomed in, usable zoomed out).
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { defineScenario, describeExpectation, minutes, runScenario, type Scenario } from '../src/kernel/index.js';
import { renderHtml } from '../src/report/index.js';
import gcPauseFencing from '../scenarios/gc-pause-fencing.js';
import redlockSkew from '../scenarios/redlock-skew.js';

declare const window: { simReport: { setWindow(a: number, b: number): void; paintNow(): void } };
declare const performance: { now(): number };

const cases: Array<[string, Scenario]> = [
  ['redlock-skew seed 1', redlockSkew],
  ['gc-pause-fencing seed 1', gcPauseFencing],
  ['gc-pause-fencing seed 1, 10 min', defineScenario({ ...gcPauseFencing, duration: minutes(10) })],
];
const dir = mkdtempSync(join(tmpdir(), 'sim-report-'));
const pages: Array<[string, string, number]> = [];
for (const [label, scenario] of cases) {
  const result = runScenario(scenario, 1, { trace: true });
  const started = process.hrtime.bigint();
  const html = renderHtml({ scenario: label, description: scenario.description, expect: describeExpectation(scenario.expect) }, result);
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  const file = join(dir, `${pages.length}.html`);
  writeFileSync(file, html);
  pages.push([label, file, result.endTime]);
  console.log(`report ${label}: ${result.trace!.length} events, ${(Buffer.byteLength(html) / 1024).toFixed(0)} KB, written in ${ms.toFixed(0)} ms`);
}

const CHROMIUM = '/usr/bin/chromium';
if (!existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM}: apt-get install -y chromium`);
const browser = await chromium.launch({ executablePath: CHROMIUM });
for (const [label, file, end] of pages) {
  const page = await browser.newPage({ viewport: { width: 1500, height: 820 } });
  const opened = Date.now();
  await page.goto(pathToFileURL(file).href);
  const loadMs = Date.now() - opened;
  const frame = (start: number, stop: number) =>
    page.evaluate(([a, b]) => {
      window.simReport.setWindow(a, b);
      const times: number[] = [];
      for (let i = 0; i < 9; i++) {
        const t0 = performance.now();
        window.simReport.paintNow();
        times.push(performance.now() - t0);
      }
      return times.sort((x, y) => x - y)[4]!;
    }, [start, stop] as const);
  const whole = await frame(0, end);
  const zoomed = await frame(end / 2, end / 2 + 1_000_000);
  console.log(`report ${label}: page load ${loadMs} ms, median frame ${whole.toFixed(1)} ms whole run, ${zoomed.toFixed(1)} ms for a 1 s window`);
  await page.close();
}
await browser.close();
rmSync(dir, { recursive: true });
