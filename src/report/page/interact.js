// @ts-check
// What a person does with the page: read the header and the fault list, filter
// nodes and event types, hover for times and clocks, click for an event's full
// record, drag, wheel and keys to move through time. Then the page opens: at the
// violation if there is one, else on the whole run.
import { duration, seconds } from './format.js';
import { clockAt, copies, highlighted, inSlice, laneIndex, refusal, run, shown, summary, trace, types, violation } from './model.js';
import { $, canvas, fitCanvas, laneAt, laneY, span, tAt, view, x } from './layout.js';
import { draw, paint, painted, pointOf, selection } from './draw.js';

// ---------- header ----------
$('title').textContent = run.scenario;
$('seed').textContent = ' · seed ' + run.seed;
$('description').textContent = run.description + ' (expected: ' + run.expect + ')';
const verdict = $('verdict');
if (run.violation) {
  verdict.className = 'violation';
  verdict.textContent = '✗ ' + run.violation.property + ' violated at ' + seconds(run.violation.t) + ': ' + run.violation.message;
} else if (run.outcome === 'budget') {
  verdict.className = 'budget';
  verdict.textContent = '✗ event budget exhausted at ' + seconds(run.endTime) + ': a hang or livelock';
} else {
  verdict.className = 'ok';
  verdict.textContent = '✓ no property violated in ' + seconds(run.endTime) + ' of simulated time';
}
// The CLI's own numbers (src/cli/run.ts prints the same line): events the kernel ran,
// records in the trace (facts, log lines and annotations are records, not events),
// messages delivered and lost in the network, and facts checked.
const refusals = trace.filter(refusal).length;
$('stats').textContent = run.stats.events + ' events run (' + trace.length + ' trace records) · ' + run.stats.delivered + ' delivered · '
  + run.stats.dropped + ' lost in the network · ' + run.stats.facts + ' facts checked' + (refusals ? ' · ' + refusals + ' of them refusals, denials or losses (✕)' : '')
  + (run.slice ? ' · causal slice: ' + run.slice.events.length + ' records (' + (100 * run.slice.events.length / trace.length).toFixed(1) + '%)' : '');
if (violation < 0) $('jump').textContent = 'Jump to end';

const faultList = $('faults');
for (const f of run.faults) {
  const li = document.createElement('li');
  const t = trace[f.event].t;
  li.textContent = seconds(t) + '  ' + f.description;
  li.addEventListener('click', () => { select(f.event); centerOn(t); });
  faultList.appendChild(li);
}
if (!faultList.children.length) faultList.textContent = 'none';

// ---------- the time window ----------
/**
 * Shows true time [start, end], kept within the run (with a margin) and at least 50µs wide.
 * @param {number} start
 * @param {number} end
 */
function setWindow(start, end) {
  const minSpan = 50;
  const len = Math.max(minSpan, Math.min(end - start, span * 1.05));
  let s = start;
  if (s < -span * 0.025) s = -span * 0.025;
  if (s + len > span * 1.025) s = span * 1.025 - len;
  view.start = s;
  view.end = s + len;
  draw();
}
/**
 * @param {number} t
 * @param {number} [len]
 */
function centerOn(t, len) {
  const l = len ?? view.end - view.start;
  setWindow(t - l / 2, t + l / 2);
}
function resize() {
  fitCanvas();
  draw();
}

// ---------- filters ----------
/**
 * A menu of checkboxes, one per item, with "all" and "none".
 * @param {HTMLElement} container
 * @param {string[]} items
 * @param {Set<string>} set the items shown
 * @param {(item: string) => string} label
 * @param {string} attr
 */
function checkboxMenu(container, items, set, label, attr) {
  const actions = document.createElement('div');
  actions.className = 'menu-actions';
  for (const [text, all] of /** @type {Array<[string, boolean]>} */ ([['all', true], ['none', false]])) {
    const b = document.createElement('button');
    b.textContent = text;
    b.addEventListener('click', () => {
      for (const it of items) (all ? set.add(it) : set.delete(it));
      syncMenus();
      resize();
    });
    actions.appendChild(b);
  }
  container.appendChild(actions);
  for (const it of items) {
    const l = document.createElement('label');
    const box = document.createElement('input');
    box.type = 'checkbox';
    box.checked = true;
    box.setAttribute(attr, it);
    box.addEventListener('change', () => {
      box.checked ? set.add(it) : set.delete(it);
      syncMenus();
      resize();
    });
    l.appendChild(box);
    l.appendChild(document.createTextNode(' ' + label(it)));
    container.appendChild(l);
  }
}
checkboxMenu($('node-menu'), run.lanes, shown.nodes, (n) => n, 'data-node');
checkboxMenu($('type-menu'), types, shown.types, (t) => (t.startsWith('msg:') ? 'message ' + t.slice(4) : t.startsWith('fact:') ? 'fact ' + t.slice(5) : t), 'data-type');

/** @param {string} selector */
const all = (selector) => /** @type {HTMLElement[]} */ ([...document.querySelectorAll(selector)]);

function syncMenus() {
  for (const box of /** @type {HTMLInputElement[]} */ (all('#node-menu input'))) box.checked = shown.nodes.has(box.getAttribute('data-node') ?? '');
  for (const box of /** @type {HTMLInputElement[]} */ (all('#type-menu input'))) box.checked = shown.types.has(box.getAttribute('data-type') ?? '');
  $('node-summary').textContent = 'Nodes: ' + (shown.nodes.size === run.lanes.length ? 'all' : shown.nodes.size + ' of ' + run.lanes.length);
  $('type-summary').textContent = 'Events: ' + (shown.types.size === types.length ? 'all' : shown.types.size + ' of ' + types.length);
  all('.lane-label').forEach((el) => el.classList.toggle('solo', shown.nodes.size === 1 && shown.nodes.has(el.dataset.node ?? '')));
}

// A click on a lane's name shows only its node's events; another click, every node's.
for (const el of all('.lane-label')) {
  const id = el.dataset.node ?? '';
  el.addEventListener('click', () => {
    const solo = shown.nodes.size === 1 && shown.nodes.has(id);
    shown.nodes.clear();
    for (const n of solo ? run.lanes : [id]) shown.nodes.add(n);
    syncMenus();
    resize();
  });
}

// ---------- hover and selection ----------
/** @typedef {{ i: number } | { segment: import('./model.js').Segment, lane: number }} Hit */

/**
 * The drawn events near a point (within 8 px; a message also by its sending end),
 * nearest first; at equal distance a mark on the lane (a fact, a timer) before a
 * message, so a fact drawn where a message arrives is the one picked.
 * @param {number} px
 * @param {number} py
 */
function eventsNear(px, py) {
  /** @type {Array<{ i: number, d: number, mark: number }>} */
  const near = [];
  for (const i of painted.events) {
    const e = trace[i];
    const p = pointOf(i);
    let d = (p.x - px) ** 2 + (p.y - py) ** 2;
    if (e.kind === 'deliver' || e.kind === 'drop') d = Math.min(d, (x(e.sentAt) - px) ** 2 + (laneY(laneIndex.get(e.from) ?? -1) - py) ** 2);
    if (d < 64) near.push({ i, d: Math.round(d / 4), mark: e.kind === 'fact' ? 0 : e.kind === 'deliver' || e.kind === 'drop' ? 2 : 1 });
  }
  return near.sort((a, b) => a.d - b.d || a.mark - b.mark || a.i - b.i).map((n) => n.i);
}

/**
 * The drawn event nearest to a point, else the annotation band under it.
 * @param {number} px
 * @param {number} py
 * @returns {Hit | undefined}
 */
function nearest(px, py) {
  const near = eventsNear(px, py);
  if (near.length) return { i: near[0] };
  const band = painted.segments.find((b) => px >= b.x0 && px <= b.x1 && py >= b.y0 && py <= b.y1);
  return band && { segment: band.segment, lane: band.lane };
}

/**
 * Clicking again on the same spot picks the next of the events drawn there, in turn.
 * @type {{ x: number, y: number, near: number[], k: number } | undefined}
 */
let lastClick;
/**
 * @param {number} px
 * @param {number} py
 */
function clickAt(px, py) {
  const near = eventsNear(px, py);
  if (!near.length) return;
  const again = lastClick && Math.abs(lastClick.x - px) < 4 && Math.abs(lastClick.y - py) < 4 && lastClick.near.join() === near.join();
  const k = again && lastClick ? (lastClick.k + 1) % near.length : 0;
  lastClick = { x: px, y: py, near, k };
  select(near[k], near.length > 1 ? (k + 1) + ' of ' + near.length + ' events here: click again for the next' : '');
}

/**
 * @param {number} local
 * @param {number} t
 */
function offsetText(local, t) {
  const d = local - t;
  return d === 0 ? 'in step with true time' : (d > 0 ? '+' : '−') + duration(Math.abs(d)) + ' off true time';
}

const tooltip = $('tooltip');
/**
 * @param {MouseEvent} ev
 * @param {string} text
 */
function showTooltip(ev, text) {
  tooltip.textContent = text;
  tooltip.style.display = 'block';
  const left = Math.min(ev.clientX + 14, window.innerWidth - tooltip.offsetWidth - 8);
  tooltip.style.left = left + 'px';
  tooltip.style.top = ev.clientY + 16 + 'px';
}

/** @param {MouseEvent} ev */
function hover(ev) {
  const r = canvas.getBoundingClientRect();
  const px = ev.clientX - r.left;
  const py = ev.clientY - r.top;
  const h = nearest(px, py);
  const lane = laneAt(py);
  const t = Math.round(tAt(px));
  all('.lane-label .clock').forEach((el, i) => {
    const local = clockAt(i, t);
    el.textContent = local === undefined ? '' : 'its clock ≈ ' + seconds(local);
  });
  if (h && 'segment' in h) {
    showTooltip(ev, run.lanes[h.lane] + ' ' + h.segment.field + ': ' + h.segment.value + '\nfrom ' + seconds(h.segment.from) + ' to ' + seconds(h.segment.to) + ' (true time)');
  } else if (h) {
    const e = trace[h.i];
    let text = summary(h.i) + '\ntrue time ' + seconds(e.t);
    if ('local' in e) text += '\n' + e.node + "'s clock " + seconds(e.local) + ' (' + offsetText(e.local, e.t) + ')';
    if (e.kind === 'deliver' || e.kind === 'drop') text += '\nsent ' + seconds(e.sentAt) + ', in flight ' + duration(e.t - e.sentAt);
    showTooltip(ev, text);
  } else if (lane >= 0 && t >= 0 && t <= run.endTime) {
    const local = clockAt(lane, t);
    showTooltip(ev, run.lanes[lane] + ' at true time ' + seconds(t) + (local === undefined ? '' : '\nits clock ≈ ' + seconds(local) + ' (' + offsetText(local, t) + ', read from its last event)'));
  } else {
    tooltip.style.display = 'none';
  }
}

/**
 * Shows event i's full record beside the plot, and rings it.
 * @param {number} i
 * @param {string} [note] what else is drawn at the same spot
 */
function select(i, note = '') {
  selection.index = i;
  const e = trace[i];
  const box = $('details');
  box.textContent = '';
  const times = document.createElement('div');
  times.className = 'times';
  let text = 'Event #' + i + ' at true time ' + seconds(e.t);
  if ('local' in e) text += ' · ' + e.node + "'s clock " + seconds(e.local) + ' (' + offsetText(e.local, e.t) + ')';
  if (e.kind === 'deliver' || e.kind === 'drop') {
    text += ' · in flight ' + duration(e.t - e.sentAt);
    const delivered = copies.get(e.id) || 0;
    if (delivered > 1) text += ' · delivered ' + delivered + ' times (duplicated)';
  }
  if (inSlice.has(i)) text += ' · in the causal slice';
  times.textContent = text;
  if (note) {
    const more = document.createElement('div');
    more.className = 'cycle';
    more.textContent = note;
    box.appendChild(more);
  }
  const pre = document.createElement('pre');
  pre.textContent = JSON.stringify(e, null, 2);
  box.appendChild(times);
  box.appendChild(pre);
  draw();
}

// ---------- moving through time ----------
/** @type {{ x: number, start: number, end: number, moved: boolean } | undefined} */
let drag;
canvas.addEventListener('mousedown', (ev) => {
  drag = { x: ev.clientX, start: view.start, end: view.end, moved: false };
  canvas.classList.add('dragging');
});
window.addEventListener('mousemove', (ev) => {
  if (drag) {
    const dx = ev.clientX - drag.x;
    if (Math.abs(dx) > 3) drag.moved = true;
    if (drag.moved) {
      const dt = (dx / view.width) * (drag.end - drag.start);
      setWindow(drag.start - dt, drag.end - dt);
    }
    tooltip.style.display = 'none';
  } else if (ev.target === canvas) {
    hover(ev);
  } else {
    tooltip.style.display = 'none';
  }
});
window.addEventListener('mouseup', (ev) => {
  if (!drag) return;
  const wasClick = !drag.moved;
  drag = undefined;
  canvas.classList.remove('dragging');
  if (wasClick && ev.target === canvas) {
    const r = canvas.getBoundingClientRect();
    clickAt(ev.clientX - r.left, ev.clientY - r.top);
  }
});
canvas.addEventListener('wheel', (ev) => {
  ev.preventDefault();
  const r = canvas.getBoundingClientRect();
  const len = view.end - view.start;
  if (ev.shiftKey || Math.abs(ev.deltaX) > Math.abs(ev.deltaY)) {
    const d = ((ev.shiftKey ? ev.deltaY : ev.deltaX) / view.width) * len;
    setWindow(view.start + d, view.end + d);
    return;
  }
  const at = tAt(ev.clientX - r.left);
  const factor = Math.exp(ev.deltaY * 0.0015);
  setWindow(at - (at - view.start) * factor, at + (view.end - at) * factor);
}, { passive: false });
/** @param {number} factor */
const zoom = (factor) => {
  const mid = (view.start + view.end) / 2;
  const half = ((view.end - view.start) * factor) / 2;
  setWindow(mid - half, mid + half);
};
$('zoom-in').addEventListener('click', () => zoom(0.5));
$('zoom-out').addEventListener('click', () => zoom(2));
$('fit').addEventListener('click', () => setWindow(-span * 0.01, span * 1.01));
$('jump').addEventListener('click', () => {
  const target = violation >= 0 ? violation : trace.length - 1;
  const t = trace[target].t;
  const len = Math.min(span, Math.max(2e5, span / 20));
  setWindow(t - len * 0.8, t + len * 0.2);
  if (violation >= 0) select(violation);
});
/** The Why view: only the violation's causal slice, on the lanes it touches. */
function toggleWhy() {
  if (!run.slice) return;
  shown.why = !shown.why;
  $('why').classList.toggle('on', shown.why);
  resize();
}
const whyButton = $('why');
if (run.slice) whyButton.addEventListener('click', toggleWhy);
else for (const el of [whyButton, ...all('#legend .seed')]) el.style.display = 'none';

/**
 * The slice's span of time: from its earliest event (a fault that began up to one
 * slice-length before the horizon, or the horizon itself) to the violation.
 */
function sliceFrame() {
  const slice = run.slice;
  if (!slice) return undefined;
  const reach = slice.horizon - (slice.to - slice.horizon);
  const start = slice.events.map((i) => trace[i].t).find((t) => t >= reach) ?? slice.horizon;
  return { start: Math.min(start, slice.horizon), end: slice.to };
}

window.addEventListener('keydown', (ev) => {
  if (ev.key === 'w') return toggleWhy();
  const step = (view.end - view.start) * 0.2;
  if (ev.key === '+' || ev.key === '=') zoom(0.5);
  else if (ev.key === '-') zoom(2);
  else if (ev.key === 'ArrowLeft') setWindow(view.start - step, view.end - step);
  else if (ev.key === 'ArrowRight') setWindow(view.start + step, view.end + step);
});
window.addEventListener('resize', resize);

// For the browser tests: where an event is drawn, and which events are drawn.
Object.assign(window, {
  simReport: {
    lanes: run.lanes,
    drawnEvents: () => painted.events.slice(),
    // The events ringed as the violation's facts.
    involvedEvents: () => [...highlighted],
    // Annotation bands painted now, with their centres in page coordinates.
    drawnAnnotations() {
      const r = canvas.getBoundingClientRect();
      return painted.segments.map((b) => ({
        node: run.lanes[b.lane], field: b.segment.field, value: b.segment.value, x: r.left + (b.x0 + b.x1) / 2, y: r.top + (b.y0 + b.y1) / 2,
      }));
    },
    /** @param {number} i */
    positionOf(i) {
      if (!painted.events.includes(i)) return null;
      const h = pointOf(i);
      const r = canvas.getBoundingClientRect();
      return { x: r.left + h.x, y: r.top + h.y };
    },
    setWindow,
    paintNow: paint,
    settled: () => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => resolve(true)))),
  },
});

syncMenus();
view.start = -span * 0.01;
view.end = span * 1.01;
resize();
// A violating run opens on its causal slice, from its earliest fault or fact to the
// violation (without a slice, at the violation); Fit shows the whole run.
const frame = sliceFrame();
if (frame) {
  const margin = Math.max(50, (frame.end - frame.start) * 0.06);
  setWindow(frame.start - margin, frame.end + margin);
  select(violation);
} else if (violation >= 0) $('jump').click();
