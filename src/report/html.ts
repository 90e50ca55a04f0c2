import { readFileSync } from 'node:fs';
import { describeFault, faultMarks, type RunResult, type TraceEvent } from '../kernel/index.js';
import { runLanes } from './lanes.js';
import type { PageData, PageFault, ReportSubject } from './page-data.js';
import { causalSlice } from './slice.js';

export type { ReportSubject } from './page-data.js';

/**
 * One self-contained HTML page for one run: the trace embedded once as JSON, the
 * page's script and style inline, nothing fetched from anywhere, so it opens from
 * disk and can be attached to a bug report.
 */
export function renderHtml(subject: ReportSubject, result: RunResult): string {
  if (result.trace === undefined) throw new Error('renderHtml needs a run recorded with { trace: true }');
  const data: PageData = {
    ...subject,
    seed: result.seed,
    outcome: result.outcome,
    violation: result.violation ?? null,
    endTime: result.endTime,
    stats: result.stats,
    lanes: runLanes(result.trace, result.faults),
    trace: result.trace,
    faults: pageFaults(result.trace),
    slice: causalSlice(result.trace, result.violation?.at) ?? null,
  };
  const title = `${subject.scenario} · seed ${result.seed}`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>
${asset('page.css')}
</style>
</head>
<body>
<header>
  <h1><span id="title"></span><span class="seed" id="seed"></span></h1>
  <div class="description" id="description"></div>
  <div id="verdict"></div>
  <div id="controls">
    <button id="jump">Jump to violation</button>
    <button id="fit">Fit</button>
    <button id="zoom-in" title="zoom in (+, or the mouse wheel)">+</button>
    <button id="zoom-out" title="zoom out (-)">−</button>
    <button id="why" title="show only the violation's causal slice: the events that could have led to its facts, and the faults that touched them">Why</button>
    <details><summary id="node-summary">Nodes</summary><div class="menu" id="node-menu"></div></details>
    <details><summary id="type-summary">Events</summary><div class="menu" id="type-menu"></div></details>
    <span id="window-label"></span>
    <div id="legend">
      <span><i></i>message</span><span><i class="delayed"></i>delayed</span><span><i class="duplicate"></i>duplicate</span><span><i class="dropped"></i>lost ✗</span>
      <span>● fact</span><span class="refused">✕ refused, denied, lost</span><span>○ timer</span><span>▲ timeout</span><span>■ log</span><span class="seed">◯ the violation's facts</span>
      <span><b class="pause"></b>paused</span><span><b class="crash"></b>crashed</span><span><b class="partition"></b>partitioned</span>
    </div>
  </div>
</header>
<main>
  <div id="view">
    <div id="lanes-box">
      <div id="labels"><div id="time-note">true time →</div></div>
      <div id="plot"><canvas id="canvas"></canvas><div id="overlay"></div></div>
    </div>
  </div>
  <aside>
    <h2>Selected event</h2>
    <div id="details"><span class="hint">Click an event (a message end, a mark on a lane) to see its full record. Wheel: zoom; drag or shift+wheel: scroll; click a node's name: only its events.</span></div>
    <h2>Faults</h2>
    <ol id="faults"></ol>
    <h2>Run</h2>
    <div id="stats"></div>
  </aside>
</main>
<div id="tooltip"></div>
<script type="application/json" id="run-data">${embedJson(data)}</script>
<script>
${pageScript()}
</script>
</body>
</html>
`;
}

/**
 * Each fault that happened, as the fault table describes it, paired with the
 * event that ended it: a recover event ends the earliest unended fault equal to it.
 */
function pageFaults(trace: readonly TraceEvent[]): PageFault[] {
  const faults: Array<PageFault & { key: string }> = [];
  trace.forEach((e, i) => {
    if (e.kind === 'fault') {
      faults.push({ event: i, over: null, description: describeFault(e.fault), marks: faultMarks(e.fault), key: JSON.stringify(e.fault) });
    } else if (e.kind === 'recover') {
      const key = JSON.stringify(e.fault);
      const started = faults.find((f) => f.over === null && f.key === key);
      if (started) started.over = i;
    }
  });
  return faults.map(({ key: _, ...fault }) => fault);
}

/**
 * The page's script modules (src/report/page), in dependency order: each runs in
 * a scope of its own, and a module's imports read the exports of the modules
 * before it. So the page stays one file with no loader, while each module is
 * type-checked as the ES module it is (src/report/page/tsconfig.json).
 */
const PAGE_MODULES = ['format', 'model', 'layout', 'draw', 'interact'];

function pageScript(): string {
  const done = new Set<string>();
  const modules = PAGE_MODULES.map((name) => {
    const exported: string[] = [];
    const body = asset(`${name}.js`)
      .replace(/^import \{([^}]*)\} from '\.\/([\w-]+)\.js';$/gm, (_, names: string, from: string) => {
        if (!done.has(from)) throw new Error(`page/${name}.js imports ./${from}.js, which is not one of the modules before it (${PAGE_MODULES.join(', ')})`);
        return `const {${names}} = modules['${from}'];`;
      })
      .replace(/^export (function|const|class) ([\w$]+)/gm, (_, keyword: string, id: string) => {
        exported.push(id);
        return `${keyword} ${id}`;
      });
    if (/^(import|export)\b/m.test(body)) throw new Error(`page/${name}.js: only named imports of the modules before it and exported declarations can be inlined`);
    done.add(name);
    return `modules['${name}'] = (() => {\n${body}\nreturn { ${exported.join(', ')} };\n})();`;
  });
  return `(() => {\n'use strict';\nconst modules = {};\n${modules.join('\n')}\n})();`;
}

/**
 * JSON that cannot end the script element it sits in: every `<` is written as its
 * escape, so neither `</script>` nor `<!--` in a message can break out.
 */
export function embedJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

const assets = new Map<string, string>();
function asset(name: string): string {
  let text = assets.get(name);
  if (text === undefined) {
    text = readFileSync(new URL(`./page/${name}`, import.meta.url), 'utf8');
    assets.set(name, text);
  }
  return text;
}
