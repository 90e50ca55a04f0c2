import type { Operation } from './history.js';
import type { Model } from './models.js';
import { describeCounterexample, describeOperation } from './report.js';
import type { Counterexample } from './search.js';
import type { FailingWindow } from './window.js';

/** One operation as the page draws it; `ret` is null for an unknown outcome. */
export interface PageOperation {
  id: number;
  process: string;
  label: string;
  text: string;
  call: number;
  ret: number | null;
  known: boolean;
}

/** A partial linearization: operation ids in the order applied, with the model state after each. */
export interface PageLinearization {
  steps: Array<{ id: number; state: string }>;
  stuck: number;
  pending: number[];
  report: string[];
}

/** What the page embeds (`<script type="application/json" id="lincheck-data">`): tests read it back. */
export interface LincheckPageData {
  format: 'sim-lincheck-page/1';
  file: string;
  model: string;
  initial: string;
  partition: string | null;
  /** Every operation of the failing part (the key, for kv). */
  operations: PageOperation[];
  /** The smallest failing sub-history: ids, and where the search got stuck on it alone. */
  window: { ids: number[]; failsBy: number; linearization: PageLinearization };
  /** The longest partial linearization the search found on the whole part. */
  longest: PageLinearization;
}

/**
 * A self-contained page for a non-linearizable history (inline style and script,
 * nothing fetched, so it opens from disk): the operations as bars per process,
 * the smallest failing window, and the longest partial linearization, each step
 * with the state after it. Porcupine's visualization (anishathalye/porcupine,
 * visualization.go) draws the whole history with the partial linearizations on
 * hover; this page opens on the failing window alone and says which operation
 * cannot go next and what state it met.
 */
export function renderLincheckPage(
  file: string, model: Model, operations: readonly Operation[], failure: Counterexample, window: FailingWindow,
): string {
  const ids = new Map<Operation, number>();
  const part = model.partition === undefined ? operations : operations.filter((op) => model.partition!(op) === failure.partition);
  const pageOps = part.map((op, id): PageOperation => {
    ids.set(op, id);
    return {
      id, process: op.process, label: shortLabel(op), text: describeOperation(op),
      call: op.call, ret: op.known ? op.ret : null, known: op.known,
    };
  });
  // The window's operations may be copies (cut to unknown outcome): match them by position in the history.
  const byPosition = new Map(part.map((op) => [op.id, op] as const));
  const idOf = (op: Operation) => ids.get(byPosition.get(op.id) ?? op) ?? ids.get(op)!;
  const linearization = (c: Counterexample): PageLinearization => {
    let state = model.init();
    const steps = c.linearization.map((op) => {
      state = model.step(state, op).state;
      return { id: idOf(op), state: model.stateKey(state) };
    });
    return { steps, stuck: idOf(c.stuck), pending: c.pending.map(idOf), report: describeCounterexample(c) };
  };
  const data: LincheckPageData = {
    format: 'sim-lincheck-page/1',
    file,
    model: model.name,
    initial: model.stateKey(model.init()),
    partition: failure.partition ?? null,
    operations: pageOps,
    window: { ids: window.operations.map(idOf), failsBy: window.failsBy, linearization: linearization(window.counterexample) },
    longest: linearization(failure),
  };
  const json = JSON.stringify(data).replace(/</g, '\\u003c');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>not linearizable · ${escapeHtml(file)}</title>
<style>${STYLE}</style>
</head>
<body>
<header>
  <h1>Not linearizable: <span id="file"></span></h1>
  <div id="summary"></div>
  <div id="controls">
    <button id="show-window" class="on">Smallest failing window</button>
    <button id="show-all">Whole history</button>
    <span class="legend"><i class="bar"></i>operation (call → return) <i class="bar open"></i>unknown outcome <i class="bar stuck"></i>cannot go next <b>#n</b> position in the partial linearization</span>
  </div>
</header>
<main>
  <section id="chart"><svg id="svg"></svg></section>
  <aside>
    <h2 id="order-title"></h2>
    <ol id="order"></ol>
    <pre id="report"></pre>
  </aside>
</main>
<div id="tip"></div>
<script type="application/json" id="lincheck-data">${json}</script>
<script>${SCRIPT}</script>
</body>
</html>
`;
}

/** `put x 3`, `get x → 1`: what fits on a bar. */
function shortLabel(op: Operation): string {
  const parts = [op.f];
  if (op.input !== undefined) parts.push(JSON.stringify(op.input));
  if (op.known && op.output !== undefined) parts.push(`→ ${JSON.stringify(op.output)}`);
  if (!op.known) parts.push('→ ?');
  return parts.join(' ');
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

const STYLE = `
* { box-sizing: border-box; }
html, body { margin: 0; height: 100%; font: 13px/1.35 system-ui, sans-serif; color: #1d232a; }
body { display: flex; flex-direction: column; }
header { padding: 8px 12px; border-bottom: 1px solid #d8dde3; background: #f6f8fa; }
h1 { font-size: 15px; margin: 0 0 4px; color: #b42318; }
h1 span { color: #1d232a; font-weight: normal; }
#summary { color: #57606a; }
#controls { display: flex; gap: 6px; align-items: center; margin-top: 6px; flex-wrap: wrap; }
#controls button { font: inherit; padding: 2px 8px; border: 1px solid #c4cad1; border-radius: 4px; background: #fff; cursor: pointer; }
#controls button.on { background: #1d232a; color: #fff; }
.legend { color: #57606a; font-size: 12px; margin-left: auto; }
.legend i.bar { display: inline-block; width: 22px; height: 10px; vertical-align: middle; margin: 0 3px 0 10px; background: #9db4d0; border: 1px solid #4a6a92; }
.legend i.open { background: linear-gradient(90deg, #d7dee7, #fff); border-style: dashed; }
.legend i.stuck { background: #f4b4ae; border-color: #b42318; }
main { flex: 1; display: flex; min-height: 0; }
#chart { flex: 1; overflow: auto; }
aside { width: 380px; border-left: 1px solid #d8dde3; overflow: auto; padding: 8px 12px; }
aside h2 { font-size: 13px; margin: 0 0 6px; }
ol { padding-left: 28px; margin: 0 0 8px; font-family: ui-monospace, monospace; font-size: 12px; }
ol li { margin: 2px 0; }
ol li .state { color: #57606a; }
ol li.stuck { color: #b42318; font-weight: 600; }
ol li.pending { color: #7a5a00; }
pre { font-size: 11px; white-space: pre-wrap; color: #57606a; border-top: 1px solid #eee; padding-top: 6px; }
svg text { font: 11px ui-monospace, monospace; }
.lane-name { fill: #1d232a; font-weight: 600; }
.lane-line { stroke: #eef1f4; }
.op rect { fill: #9db4d0; stroke: #4a6a92; }
.op.open rect { fill: url(#open); stroke-dasharray: 4 3; }
.op.linearized rect { fill: #a6d5b4; stroke: #1a7f37; }
.op.pending rect { fill: #f5dc8f; stroke: #7a5a00; }
.op.stuck rect { fill: #f4b4ae; stroke: #b42318; stroke-width: 2; }
.op.faded { opacity: .35; }
.op .order { font-weight: 700; fill: #1d232a; }
.tick { stroke: #d8dde3; }
.tick-label { fill: #57606a; font-size: 10px; }
#tip { position: fixed; display: none; pointer-events: none; background: #1d232a; color: #fff; padding: 4px 6px; border-radius: 4px; font: 12px ui-monospace, monospace; max-width: 520px; }
`;

// The page's script: plain ES2017 in the browser, reading the embedded data.
// The axis is the order of calls and returns, not proportional time: linearizability
// depends only on that order, and a failure's operations can lie far apart in time.
const SCRIPT = `
(function () {
  var data = JSON.parse(document.getElementById('lincheck-data').textContent);
  var byId = {}; data.operations.forEach(function (op) { byId[op.id] = op; });
  var svg = document.getElementById('svg');
  var tip = document.getElementById('tip');
  var NS = 'http://www.w3.org/2000/svg';
  var LANE = 34, LEFT = 90, TOP = 30, STEP = 26;
  var view = 'window';
  var drawn = [];
  document.getElementById('file').textContent = data.file;
  document.getElementById('summary').textContent = data.model + ' model, initial state ' + data.initial +
    (data.partition === null ? '' : ', key ' + JSON.stringify(data.partition)) + ': ' + data.operations.length +
    ' operations; the smallest failing window has ' + data.window.ids.length + ', and the history is linearizable up to just before ' + data.window.failsBy + '.';
  function el(name, attrs, parent) {
    var e = document.createElementNS(NS, name);
    for (var k in attrs) e.setAttribute(k, attrs[k]);
    if (parent) parent.appendChild(e);
    return e;
  }
  function draw() {
    var lin = view === 'window' ? data.window.linearization : data.longest;
    var shown = view === 'window' ? data.window.ids.map(function (id) { return byId[id]; }) : data.operations;
    var inWindow = {}; data.window.ids.forEach(function (id) { inWindow[id] = true; });
    var order = {}; lin.steps.forEach(function (s, i) { order[s.id] = i + 1; });
    var pending = {}; lin.pending.forEach(function (id) { pending[id] = true; });
    var times = [];
    shown.forEach(function (op) { times.push(op.call); if (op.ret !== null) times.push(op.ret); });
    times = Array.from(new Set(times)).sort(function (a, b) { return a - b; });
    var rank = {}; times.forEach(function (t, i) { rank[t] = i; });
    STEP = Math.max(26, Math.min(90, Math.floor(800 / times.length)));
    var processes = Array.from(new Set(shown.map(function (op) { return op.process; }))).sort();
    var width = LEFT + (times.length + 2) * STEP + 160;
    var height = TOP + processes.length * LANE + 10;
    svg.innerHTML = '';
    svg.setAttribute('width', width); svg.setAttribute('height', height);
    var defs = el('defs', {}, svg);
    var grad = el('linearGradient', { id: 'open' }, defs);
    el('stop', { offset: '0', 'stop-color': '#c5d3e3' }, grad); el('stop', { offset: '1', 'stop-color': '#fff' }, grad);
    var x = function (t) { return LEFT + (rank[t] + 1) * STEP; };
    var every = Math.max(1, Math.ceil(times.length / 40));
    times.forEach(function (t, i) {
      el('line', { class: 'tick', x1: x(t), x2: x(t), y1: TOP - 6, y2: height }, svg);
      if (i % every === 0) el('text', { class: 'tick-label', x: x(t) + 2, y: TOP - 10 }, svg).textContent = String(t);
    });
    processes.forEach(function (p, i) {
      var y = TOP + i * LANE;
      el('line', { class: 'lane-line', x1: LEFT, x2: width, y1: y + LANE / 2, y2: y + LANE / 2 }, svg);
      el('text', { class: 'lane-name', x: 6, y: y + LANE / 2 + 4 }, svg).textContent = p;
    });
    drawn = [];
    shown.forEach(function (op) {
      var y = TOP + processes.indexOf(op.process) * LANE + 6;
      var x1 = x(op.call) - 8, x2 = op.ret === null ? width - 20 : x(op.ret) + 8;
      var cls = 'op' + (op.known ? '' : ' open') + (order[op.id] ? ' linearized' : '') + (pending[op.id] ? ' pending' : '') +
        (op.id === lin.stuck ? ' stuck' : '') + (view === 'all' && !inWindow[op.id] ? ' faded' : '');
      var g = el('g', { class: cls, 'data-id': op.id }, svg);
      el('rect', { x: x1, y: y, width: Math.max(6, x2 - x1), height: LANE - 12, rx: 3 }, g);
      var label = (order[op.id] ? '#' + order[op.id] + ' ' : '') + op.label;
      var t = el('text', { x: x1 + 4, y: y + LANE - 18 }, g);
      if (order[op.id]) { var b = el('tspan', { class: 'order' }, t); b.textContent = '#' + order[op.id] + ' '; }
      t.appendChild(document.createTextNode(op.label));
      g.addEventListener('mousemove', function (e) {
        var step = lin.steps[order[op.id] - 1];
        tip.textContent = op.text + (step ? '  · #' + order[op.id] + ', state after: ' + step.state : '') +
          (op.id === lin.stuck ? '  · cannot go next' : '');
        tip.style.display = 'block'; tip.style.left = (e.clientX + 12) + 'px'; tip.style.top = (e.clientY + 12) + 'px';
      });
      g.addEventListener('mouseleave', function () { tip.style.display = 'none'; });
      drawn.push({ id: op.id, label: label, stuck: op.id === lin.stuck });
    });
    var title = document.getElementById('order-title');
    title.textContent = (view === 'window' ? 'On the window alone: ' : 'Longest partial linearization of the whole history: ') +
      lin.steps.length + ' operation' + (lin.steps.length === 1 ? '' : 's') + ' ordered, then one cannot go next';
    var list = document.getElementById('order');
    list.innerHTML = '';
    lin.steps.forEach(function (s) {
      var li = document.createElement('li');
      li.textContent = byId[s.id].text + '  ';
      var st = document.createElement('span'); st.className = 'state'; st.textContent = '⇒ ' + s.state;
      li.appendChild(st); list.appendChild(li);
    });
    var stuck = document.createElement('li'); stuck.className = 'stuck';
    stuck.textContent = '✕ ' + byId[lin.stuck].text + ' cannot take effect in state ' + (lin.steps.length ? lin.steps[lin.steps.length - 1].state : data.initial);
    list.appendChild(stuck);
    lin.pending.forEach(function (id) {
      var li = document.createElement('li'); li.className = 'pending'; li.textContent = '… nor can ' + byId[id].text + ' go first to help';
      list.appendChild(li);
    });
    document.getElementById('report').textContent = lin.report.join('\\n');
    document.getElementById('show-window').className = view === 'window' ? 'on' : '';
    document.getElementById('show-all').className = view === 'all' ? 'on' : '';
  }
  document.getElementById('show-window').onclick = function () { view = 'window'; draw(); };
  document.getElementById('show-all').onclick = function () { view = 'all'; draw(); };
  draw();
  window.lincheckPage = {
    data: data,
    drawn: function () { return drawn.slice(); },
    show: function (which) { view = which; draw(); },
  };
})();
`;
