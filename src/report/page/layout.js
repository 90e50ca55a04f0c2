// @ts-check
// Where things go: one lane per node (taller for each annotated field), the lane
// labels beside them, the canvas, and the time window the plot shows.
import { nodeColour } from './format.js';
import { fieldsOf, involved, laneShown, run, skewed } from './model.js';

const LABEL_WIDTH = 150;
export const TICKS = 24;
export const AXIS = TICKS + 22; // time ticks, then a row for the violation / end-of-run flag
const LANE_BASE = 40;
export const FIELD_ROW = 15;
/** The strip of a skewed clock's readings, under the lane's annotation bands. */
export const CLOCK_ROW = 13;

/**
 * An element of the page (html.ts writes them all).
 * @param {string} id
 */
export function $(id) {
  const el = document.getElementById(id);
  if (!el) throw new Error('the page has no #' + id);
  return el;
}

/** Per lane: its top on the plot and its height (0 while the lane is hidden by a filter). */
/** @type {number[]} */
export const laneTop = [];
/** @type {number[]} */
export const laneHeight = [];
/** Per lane: the top of its clock strip (lanes whose clock is skewed). */
/** @type {number[]} */
export const clockRowTop = [];
/** The plot's height: the axis and the lanes shown. */
export const size = { height: 0 };
/** @param {number} lane */
export const laneY = (lane) => laneTop[lane] + 16;

/**
 * The lane at a height on the plot, or -1.
 * @param {number} py
 */
export function laneAt(py) {
  for (let i = 0; i < laneTop.length; i++) if (laneHeight[i] > 0 && py >= laneTop[i] && py < laneTop[i] + laneHeight[i]) return i;
  return -1;
}

const labels = $('labels');
/** @type {HTMLElement[]} */
const labelOf = [];
run.lanes.forEach((id) => {
  const el = document.createElement('div');
  el.className = 'lane-label' + (involved.has(id) ? ' involved' : '');
  el.dataset.node = id;
  el.title = 'Click: show only ' + id + "'s events (click again: all nodes)";
  const name = document.createElement('span');
  name.className = 'name';
  name.textContent = id;
  name.style.color = involved.has(id) ? '' : nodeColour(id);
  const clock = document.createElement('span');
  clock.className = 'clock';
  el.appendChild(name);
  el.appendChild(clock);
  labels.appendChild(el);
  labelOf.push(el);
});

/** Stacks the lanes shown (hidden ones take no room) and places their labels. */
export function stackLanes() {
  let y = AXIS;
  run.lanes.forEach((_, i) => {
    const on = laneShown(i);
    laneTop[i] = y;
    laneHeight[i] = on ? LANE_BASE + fieldsOf[i].length * FIELD_ROW + (skewed[i] ? CLOCK_ROW : 0) : 0;
    clockRowTop[i] = y + LANE_BASE - 8 + fieldsOf[i].length * FIELD_ROW;
    labelOf[i].style.display = on ? '' : 'none';
    labelOf[i].style.top = y + 'px';
    labelOf[i].style.height = laneHeight[i] + 'px';
    y += laneHeight[i];
  });
  size.height = y + 8;
  labels.style.height = size.height + 'px';
  $('lanes-box').style.height = size.height + 'px';
}
stackLanes();

export const canvas = /** @type {HTMLCanvasElement} */ ($('canvas'));
const context = canvas.getContext('2d');
if (!context) throw new Error('this browser cannot draw on a canvas');
export const ctx = context;
export const overlay = $('overlay');
const plot = $('plot');

/** The run's length in true time (at least 1µs, so the scale is defined). */
export const span = Math.max(run.endTime, 1);
/** The true-time window shown, and the plot's width in pixels. */
export const view = { start: 0, end: span, width: 0 };
/** @param {number} t */
export const x = (t) => ((t - view.start) / (view.end - view.start)) * view.width;
/** @param {number} px */
export const tAt = (px) => view.start + (px / view.width) * (view.end - view.start);

/** Sizes the canvas to the window (sharp on high-density screens). */
export function fitCanvas() {
  view.width = Math.max(200, $('view').clientWidth - LABEL_WIDTH);
  const dpr = window.devicePixelRatio || 1;
  canvas.width = Math.round(view.width * dpr);
  stackLanes();
  canvas.height = Math.round(size.height * dpr);
  canvas.style.width = view.width + 'px';
  canvas.style.height = size.height + 'px';
  plot.style.height = size.height + 'px';
  overlay.style.height = size.height + 'px';
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
}
