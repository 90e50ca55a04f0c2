// @ts-check
// Drawing: messages and marks go on the canvas, only for the visible time window,
// so a run of 10,000+ events pans and zooms smoothly; the few fault regions and
// the violation marker are DOM elements over it, so they carry readable text.
import { duration, messageType, seconds } from './format.js';
import {
  clockAt, copies, delayedOver, firstAt, highlighted, inSlice, involved, laneIndex, laneShown, maxFlight, refusal, regions, run, segments, shown, skewed, trace,
  violation, visible,
} from './model.js';
import { $, AXIS, CLOCK_ROW, clockRowTop, ctx, FIELD_ROW, laneHeight, laneTop, laneY, overlay, size, TICKS, view, x } from './layout.js';

/** @typedef {import('./model.js').NodeEvent} NodeEvent */
/** @typedef {import('./model.js').Segment} Segment */

/** What the last paint drew: event indexes, and annotation bands with their boxes (for hit-testing). */
export const painted = {
  /** @type {number[]} */
  events: [],
  /** @type {Array<{ segment: Segment, lane: number, x0: number, x1: number, y0: number, y1: number }>} */
  segments: [],
};
/** The event whose record is shown (-1: none). */
export const selection = { index: -1 };

let frame = 0;
/** Paints at the next frame (once, however often it is asked). */
export function draw() {
  if (!frame) frame = requestAnimationFrame(() => { frame = 0; paint(); });
}

/**
 * Zoomed out, ordinary messages are not drawn as lines (thousands would make a grey
 * wall) but counted: each lane gets a histogram of the messages it sent and received,
 * per few pixels of time, under its line. Lost, duplicated, delayed and ringed
 * messages are still drawn one by one on top. Per lane: bin -> count.
 * @type {Array<Map<number, number>> | undefined}
 */
let density;
const DENSITY_PX = 3;

/**
 * Labels placed so far in this paint, as boxes: a label that would overlap one is
 * moved above or below its mark, or left out (hovering still names the event).
 * @type {Array<[number, number, number, number]>}
 */
let placed = [];

/**
 * Writes `text` near (tx, ty) where it overlaps no label already written; false if there is no room.
 * @param {string} text
 * @param {number} tx
 * @param {number} ty
 */
function placeLabel(text, tx, ty) {
  const w = ctx.measureText(text).width;
  // Near the right edge (often: at the violation), the label goes to the left of its mark.
  if (tx + w > view.width) tx = Math.max(0, tx - w - 12);
  for (const dy of [0, -11, 11, -22, 22]) {
    const y = ty + dy;
    const box = /** @type {[number, number, number, number]} */ ([tx, y - 6, tx + w, y + 5]);
    if (placed.some((b) => box[0] < b[2] && b[0] < box[2] && box[1] < b[3] && b[1] < box[3])) continue;
    placed.push(box);
    ctx.fillText(text, tx, y);
    return true;
  }
  return false;
}

export function paint() {
  const width = view.width;
  ctx.clearRect(0, 0, width, size.height);
  painted.events = [];
  painted.segments = [];
  placed = [];
  paintLanes();
  paintAxis();
  paintClocks();
  const from = firstAt(view.start);
  const to = firstAt(view.end + maxFlight + 1);
  // Dense traffic fades (overlaps then read as darker), and text appears once it fits.
  let messages = 0;
  for (let i = from; i < to; i++) if (trace[i].kind === 'deliver' || trace[i].kind === 'drop') messages++;
  const alpha = Math.max(0.2, Math.min(1, width / 2 / Math.max(1, messages)));
  const labelsOn = to - from < width / 12;
  density = messages > width / 3 ? run.lanes.map(() => new Map()) : undefined;
  for (let i = from; i < to; i++) {
    const e = trace[i];
    if (!('node' in e) || !visible(e, i)) continue;
    if (e.kind === 'deliver' || e.kind === 'drop') {
      if (e.sentAt > view.end) continue;
      ctx.globalAlpha = selection.index === i || highlighted.has(i) || e.kind === 'drop' ? 1 : alpha;
      paintMessage(e, i, labelsOn);
      ctx.globalAlpha = 1;
    } else if (e.t <= view.end) {
      paintMark(e, i, labelsOn);
    }
  }
  if (density) paintDensity(density);
  paintAnnotations();
  paintSelection();
  paintOverlay();
  $('window-label').textContent = seconds(Math.max(0, Math.round(view.start))) + ' – ' + seconds(Math.round(view.end)) + ' (' + duration(Math.round(view.end - view.start)) + ')';
}

/**
 * The message histograms: a bar per few pixels under each lane's line, its height the
 * log of the messages it sent or received there, so a burst reads as a block and a
 * quiet stretch as nothing.
 * @param {Array<Map<number, number>>} counts
 */
function paintDensity(counts) {
  const max = Math.max(1, ...counts.flatMap((bins) => [...bins.values()]));
  ctx.fillStyle = '#6b7785';
  counts.forEach((bins, lane) => {
    if (!laneShown(lane)) return;
    for (const [bin, count] of bins) {
      const h = 2 + 9 * (Math.log(1 + count) / Math.log(1 + max));
      ctx.fillRect(bin * DENSITY_PX, laneY(lane) + 1, DENSITY_PX - 1, h);
    }
  });
}

function paintLanes() {
  run.lanes.forEach((id, i) => {
    if (!laneShown(i)) return;
    if (i % 2) { ctx.fillStyle = '#fafbfc'; ctx.fillRect(0, laneTop[i], view.width, laneHeight[i]); }
    if (involved.has(id)) { ctx.fillStyle = 'rgba(217,45,32,0.05)'; ctx.fillRect(0, laneTop[i], view.width, laneHeight[i]); }
    ctx.strokeStyle = '#eef1f4';
    ctx.beginPath(); ctx.moveTo(0, laneTop[i] + laneHeight[i] - 0.5); ctx.lineTo(view.width, laneTop[i] + laneHeight[i] - 0.5); ctx.stroke();
    ctx.strokeStyle = '#aab4be';
    ctx.lineWidth = 1;
    ctx.beginPath(); ctx.moveTo(Math.max(0, x(0)), laneY(i) + 0.5); ctx.lineTo(Math.min(view.width, x(run.endTime)), laneY(i) + 0.5); ctx.stroke();
  });
}

function paintAxis() {
  const step = axisStep();
  ctx.fillStyle = '#f6f8fa';
  ctx.fillRect(0, 0, view.width, TICKS);
  ctx.fillStyle = '#57606a';
  ctx.strokeStyle = '#d8dde3';
  ctx.font = '11px system-ui, sans-serif';
  ctx.textBaseline = 'middle';
  for (let t = Math.ceil(view.start / step) * step; t <= view.end; t += step) {
    const px = Math.round(x(t)) + 0.5;
    ctx.beginPath(); ctx.moveTo(px, TICKS - 6); ctx.lineTo(px, size.height); ctx.stroke();
    ctx.fillText(axisLabel(t, step), px + 3, TICKS / 2);
  }
}

/** The true time between two ticks of the axis. */
function axisStep() {
  const raw = (view.end - view.start) / Math.max(1, view.width / 110);
  const pow = Math.pow(10, Math.floor(Math.log10(raw)));
  return /** @type {number} */ ([1, 2, 5, 10].map((m) => m * pow).find((s) => s >= raw));
}

/**
 * On each lane whose clock differs from true time, a strip of its own clock's readings
 * at the axis's ticks, readable without hovering (estimated from the offset at the
 * node's last event before each tick, as the hover text says).
 */
function paintClocks() {
  const step = axisStep();
  ctx.font = '10px system-ui, sans-serif';
  ctx.textBaseline = 'middle';
  run.lanes.forEach((_, lane) => {
    if (!skewed[lane] || !laneShown(lane)) return;
    const y = clockRowTop[lane];
    ctx.fillStyle = '#fdf2f8';
    ctx.fillRect(0, y, view.width, CLOCK_ROW - 1);
    ctx.fillStyle = '#9e165f';
    ctx.fillText('its clock', 2, y + CLOCK_ROW / 2);
    for (let t = Math.ceil(view.start / step) * step; t <= view.end; t += step) {
      const local = clockAt(lane, t);
      if (local === undefined || x(t) < 50) continue;
      ctx.fillText(axisLabel(local, step), Math.round(x(t)) + 3, y + CLOCK_ROW / 2);
    }
  });
}

/**
 * @param {number} t
 * @param {number} step
 */
function axisLabel(t, step) {
  const decimals = Math.max(0, Math.min(6, 6 - Math.floor(Math.log10(step))));
  return (t / 1e6).toFixed(decimals) + 's';
}

function paintAnnotations() {
  ctx.font = '11px system-ui, sans-serif';
  ctx.textBaseline = 'middle';
  segments.forEach((segs, lane) => {
    if (!laneShown(lane)) return;
    /** @type {number[]} per row: the last pixel column a sub-pixel band was painted in */
    const columns = [];
    for (const s of segs) {
      if (s.to < view.start || s.from > view.end) continue;
      const x0 = Math.max(0, x(s.from));
      const x1 = Math.min(view.width, x(s.to));
      const y = laneTop[lane] + 30 + s.row * FIELD_ROW;
      if (x1 - x0 < 1) {
        if (columns[s.row] === Math.floor(x0)) continue;
        columns[s.row] = Math.floor(x0);
      }
      ctx.fillStyle = s.colour;
      // A value still held when the run stopped (often: at the violation) stays visible.
      ctx.fillRect(x0, y, Math.max(s.to === run.endTime ? 4 : 1, x1 - x0), FIELD_ROW - 2);
      ctx.fillStyle = '#1d232a';
      if (x1 - x0 > 30) {
        ctx.save();
        ctx.beginPath(); ctx.rect(x0, y, x1 - x0, FIELD_ROW); ctx.clip();
        ctx.fillText(s.field + ': ' + s.value, x0 + 3, y + FIELD_ROW / 2 - 1);
        ctx.restore();
      }
      painted.segments.push({ segment: s, lane, x0, x1, y0: y, y1: y + FIELD_ROW - 2 });
    }
  });
}

/**
 * @param {number} x1
 * @param {number} y1
 * @param {number} x2
 * @param {number} y2
 */
function arrowHead(x1, y1, x2, y2) {
  const a = Math.atan2(y2 - y1, x2 - x1);
  ctx.beginPath();
  ctx.moveTo(x2, y2);
  ctx.lineTo(x2 - 7 * Math.cos(a - 0.4), y2 - 7 * Math.sin(a - 0.4));
  ctx.lineTo(x2 - 7 * Math.cos(a + 0.4), y2 - 7 * Math.sin(a + 0.4));
  ctx.closePath();
  ctx.fill();
}

/**
 * @param {number} cx
 * @param {number} cy
 * @param {string} colour
 */
function cross(cx, cy, colour) {
  ctx.strokeStyle = colour;
  ctx.lineWidth = 2;
  ctx.beginPath();
  ctx.moveTo(cx - 4, cy - 4); ctx.lineTo(cx + 4, cy + 4); ctx.moveTo(cx + 4, cy - 4); ctx.lineTo(cx - 4, cy + 4);
  ctx.stroke();
}

/**
 * @param {Extract<NodeEvent, { kind: 'deliver' | 'drop' }>} e
 * @param {number} i
 * @param {boolean} labelsOn
 */
function paintMessage(e, i, labelsOn) {
  const from = laneIndex.get(e.from);
  const to = laneIndex.get(e.node);
  if (from === undefined || to === undefined || !laneShown(from) || !laneShown(to)) return;
  const x1 = x(e.sentAt);
  const y1 = laneY(from);
  let x2 = x(e.t);
  let y2 = laneY(to);
  let colour = '#6b7785';
  /** @type {number[]} */
  let dash = [];
  let lineWidth = 1;
  let tag = '';
  if (e.kind === 'drop') {
    colour = '#d92d20'; dash = [4, 3]; tag = 'lost: ' + e.reason;
    if (e.t === e.sentAt) { x2 = x1 + 14; y2 = y1 + (y2 - y1) * 0.35; }
  } else if ((copies.get(e.id) || 0) > 1) {
    colour = '#dc6803'; dash = [6, 3]; tag = 'duplicate';
  } else if (e.t - e.sentAt > delayedOver) {
    colour = '#7a2e98'; lineWidth = 2.5; tag = 'delayed ' + duration(e.t - e.sentAt);
  }
  if (selection.index === i || highlighted.has(i)) { lineWidth += 1.5; colour = selection.index === i ? '#0b63ce' : colour; }
  painted.events.push(i);
  if (density && !tag && lineWidth === 1) {
    for (const [lane, at] of [[from, x1], [to, x2]]) {
      const bin = Math.floor(at / DENSITY_PX);
      density[lane].set(bin, (density[lane].get(bin) ?? 0) + 1);
    }
    return;
  }
  ctx.strokeStyle = colour;
  ctx.fillStyle = colour;
  ctx.lineWidth = lineWidth;
  ctx.setLineDash(dash);
  ctx.beginPath(); ctx.moveTo(x1, y1); ctx.lineTo(x2, y2); ctx.stroke();
  ctx.setLineDash([]);
  if (e.kind === 'drop') cross(x2, y2, colour); else arrowHead(x1, y1, x2, y2);
  if (labelsOn && Math.hypot(x2 - x1, y2 - y1) > 70) {
    ctx.fillStyle = colour;
    ctx.font = '10px system-ui, sans-serif';
    placeLabel(messageType(e.msg) + (tag ? ' (' + tag + ')' : ''), (x1 + x2) / 2 + 4, (y1 + y2) / 2 - 5);
  }
}

/**
 * @param {NodeEvent} e
 * @param {number} i
 * @param {boolean} labelsOn
 */
function paintMark(e, i, labelsOn) {
  const lane = laneIndex.get(e.node);
  if (lane === undefined || !laneShown(lane)) return;
  const cx = x(e.t);
  const cy = laneY(lane);
  const on = selection.index === i;
  ctx.lineWidth = 1.5;
  switch (e.kind) {
    case 'timer':
      ctx.strokeStyle = on ? '#0b63ce' : '#667085';
      ctx.beginPath(); ctx.arc(cx, cy, 3.5, 0, 2 * Math.PI); ctx.stroke();
      ctx.beginPath(); ctx.moveTo(cx, cy); ctx.lineTo(cx, cy - 3); ctx.stroke();
      break;
    case 'timeout':
      ctx.fillStyle = on ? '#0b63ce' : '#dc6803';
      ctx.beginPath(); ctx.moveTo(cx, cy - 6); ctx.lineTo(cx + 5, cy + 3); ctx.lineTo(cx - 5, cy + 3); ctx.closePath(); ctx.fill();
      if (labelsOn) { ctx.font = '10px system-ui, sans-serif'; placeLabel('timeout', cx + 6, cy + 9); }
      break;
    case 'fact': {
      if (highlighted.has(i)) {
        ctx.strokeStyle = '#d92d20'; ctx.lineWidth = 2.5;
        ctx.beginPath(); ctx.arc(cx, cy, 8, 0, 2 * Math.PI); ctx.stroke();
      }
      const refused = refusal(e);
      if (refused) {
        cross(cx, cy, on ? '#0b63ce' : '#d92d20');
      } else {
        ctx.fillStyle = on ? '#0b63ce' : '#1d232a';
        ctx.beginPath(); ctx.arc(cx, cy, 4, 0, 2 * Math.PI); ctx.fill();
      }
      if (labelsOn || highlighted.has(i)) {
        ctx.font = (highlighted.has(i) ? 'bold ' : '') + '10px system-ui, sans-serif';
        ctx.fillStyle = refused ? '#b42318' : '#1d232a';
        placeLabel(factLabel(e), cx + 6, cy - 9);
      }
      break;
    }
    case 'log':
      ctx.fillStyle = on ? '#0b63ce' : '#98a2b3';
      ctx.fillRect(cx - 2.5, cy - 2.5, 5, 5);
      break;
    case 'probe':
      ctx.fillStyle = on ? '#0b63ce' : '#0e9384';
      ctx.beginPath(); ctx.moveTo(cx, cy - 5); ctx.lineTo(cx + 5, cy); ctx.lineTo(cx, cy + 5); ctx.lineTo(cx - 5, cy); ctx.closePath(); ctx.fill();
      if (labelsOn) { ctx.font = '10px system-ui, sans-serif'; placeLabel(e.probe, cx + 6, cy - 8); }
      break;
    case 'state':
      ctx.strokeStyle = on ? '#0b63ce' : '#98a2b3';
      ctx.beginPath(); ctx.moveTo(cx, cy + 4); ctx.lineTo(cx, laneTop[lane] + 30); ctx.stroke();
      break;
    default:
      return;
  }
  painted.events.push(i);
}

/**
 * A fact's label: its name, and what its data says in a few words (the values of
 * its first fields), so `committed 19` or `storage-write orders client-1 44 false`
 * reads without clicking.
 * @param {Extract<NodeEvent, { kind: 'fact' }>} e
 */
function factLabel(e) {
  const data = e.data && typeof e.data === 'object' ? Object.values(e.data) : [];
  const words = data.filter((v) => v === null || typeof v !== 'object').slice(0, 4).map((v) => String(v));
  const text = [e.fact, ...words].join(' ');
  return text.length > 48 ? text.slice(0, 47) + '…' : text;
}

/**
 * Where an event is drawn: a message at its delivery (or loss), a mark on its lane.
 * @param {number} i
 */
export function pointOf(i) {
  const e = /** @type {NodeEvent} */ (trace[i]);
  const lane = laneIndex.get(e.node) ?? -1;
  if (e.kind === 'drop' && e.t === e.sentAt) {
    const from = laneY(laneIndex.get(e.from) ?? -1);
    return { x: x(e.t) + 14, y: from + (laneY(lane) - from) * 0.35 };
  }
  return { x: x(e.t), y: laneY(lane) };
}

function paintSelection() {
  if (!painted.events.includes(selection.index)) return;
  const h = pointOf(selection.index);
  ctx.strokeStyle = '#0b63ce';
  ctx.lineWidth = 2;
  ctx.beginPath(); ctx.arc(h.x, h.y, 9, 0, 2 * Math.PI); ctx.stroke();
}

// Fault regions and the violation marker: few, and they carry text, so they are DOM.
function paintOverlay() {
  const width = view.width;
  overlay.textContent = '';
  for (const r of regions) {
    if (r.to < view.start || r.from > view.end) continue;
    if (r.lane >= 0 && !laneShown(r.lane)) continue;
    if (shown.why && !inSlice.has(r.event)) continue;
    const el = document.createElement('div');
    el.className = 'region ' + r.cls;
    const x0 = x(r.from);
    const x1 = r.cls === 'clock' ? x0 + Math.min(90, x(r.next) - x0 - 2) : x(r.to);
    const left = Math.max(-2, x0);
    el.style.left = left + 'px';
    el.style.width = Math.max(2, Math.min(width + 2, x1) - left) + 'px';
    if (r.lane >= 0) {
      el.style.top = laneTop[r.lane] + 1 + 'px';
      el.style.height = laneHeight[r.lane] - 2 + 'px';
      el.dataset.node = run.lanes[r.lane];
    } else {
      el.style.top = AXIS + 'px';
      el.style.bottom = '0';
    }
    el.title = r.label;
    const label = document.createElement('span');
    label.textContent = r.label;
    el.appendChild(label);
    overlay.appendChild(el);
  }
  const end = trace[trace.length - 1];
  const flagged = trace[violation];
  const markAt = flagged ? flagged.t : end ? end.t : run.endTime;
  if (markAt >= view.start && markAt <= view.end) {
    const m = document.createElement('div');
    m.className = 'marker ' + (flagged ? 'violation' : 'end') + (x(markAt) > width * 0.6 ? ' flip' : '');
    m.style.left = x(markAt) - 1 + 'px';
    m.style.top = TICKS + 'px';
    const flag = document.createElement('div');
    flag.className = 'flag';
    flag.textContent = flagged?.kind === 'violation'
      ? '✗ ' + flagged.property + ': ' + flagged.message
      : '✓ end of run (' + (end?.kind === 'end' ? end.reason : 'time-up') + '): no property violated';
    const room = x(markAt) > width * 0.6 ? x(markAt) : width - x(markAt);
    flag.style.maxWidth = Math.max(120, room - 12) + 'px';
    m.appendChild(flag);
    overlay.appendChild(m);
  }
}
