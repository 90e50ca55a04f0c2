// @ts-check
// The run as the page sees it: the data html.ts embedded (#run-data), and what
// the page derives from it once: per-lane clock readings and annotation bands,
// fault regions (from the fault table's marks), the violation and the filters.
import { compact, messageType, valueColour } from './format.js';

/** @typedef {import('../page-data.js').PageData} PageData */
/** @typedef {import('../../kernel/index.js').TraceEvent} TraceEvent */
/** @typedef {Extract<TraceEvent, { node: string }>} NodeEvent */
/** @typedef {{ field: string, row: number, value: string, colour: string, from: number, to: number }} Segment */
/** @typedef {{ lane: number, cls: string, label: string, from: number, to: number, next: number, event: number }} Region */

const data = document.getElementById('run-data');
if (!data?.textContent) throw new Error('the page has no run data (#run-data)');
export const run = /** @type {PageData} */ (JSON.parse(data.textContent));
export const trace = run.trace;
export const laneIndex = new Map(run.lanes.map((id, i) => [id, i]));

/**
 * The lane of a node an event names: html.ts draws a lane for every one.
 * @param {string} node
 */
export function laneOf(node) {
  const lane = laneIndex.get(node);
  if (lane === undefined) throw new Error('no lane for ' + node);
  return lane;
}

/** Per lane: the annotated fields, one row each, in the order they first appear. */
export const fieldsOf = run.lanes.map(() => /** @type {string[]} */ ([]));
/** Per lane: [true time, its clock] at each event it recorded, in time order. */
export const clockSamples = run.lanes.map(() => /** @type {Array<[number, number]>} */ ([]));
/** Message id -> how many times it was delivered. @type {Map<number, number>} */
export const copies = new Map();
/** @type {number[]} */
const flights = [];
for (const e of trace) {
  if (e.kind === 'deliver') {
    copies.set(e.id, (copies.get(e.id) || 0) + 1);
    flights.push(e.t - e.sentAt);
  }
  if ('local' in e && laneIndex.has(e.node)) clockSamples[laneOf(e.node)].push([e.t, e.local]);
  if (e.kind === 'state') {
    const fields = fieldsOf[laneOf(e.node)];
    for (const k of Object.keys(e.fields)) if (!fields.includes(k)) fields.push(k);
  }
}
flights.sort((a, b) => a - b);
const p90 = flights.length ? flights[Math.floor(flights.length * 0.9)] : 0;
/** A message in flight longer than this is drawn as delayed. */
export const delayedOver = flights.length >= 10 ? Math.max(2 * p90, p90 + 1000) : Infinity;
export const maxFlight = trace.reduce((m, e) => (e.kind === 'deliver' || e.kind === 'drop' ? Math.max(m, e.t - e.sentAt) : m), 0);

/** The fault whose event (or end) is at each trace index. */
const faultAt = new Map(run.faults.flatMap((f) => (f.over === null ? [[f.event, f]] : [[f.event, f], [f.over, f]])));

// Annotations: each field of a lane keeps its value until changed, cleared by null or a crash.
/** Per lane: its annotation bands. */
export const segments = run.lanes.map(() => /** @type {Segment[]} */ ([]));
{
  const open = run.lanes.map(() => /** @type {Map<string, Segment>} */ (new Map()));
  /** @type {(lane: number, field: string, t: number) => void} */
  const close = (lane, field, t) => {
    const seg = open[lane].get(field);
    if (seg) { seg.to = t; open[lane].delete(field); }
  };
  trace.forEach((e, i) => {
    if (e.kind === 'state') {
      const lane = laneOf(e.node);
      for (const [field, value] of Object.entries(e.fields)) {
        const current = open[lane].get(field);
        const text = value === null || value === undefined ? null : typeof value === 'string' ? value : JSON.stringify(value);
        if (current && current.value === text) continue;
        close(lane, field, e.t);
        if (text !== null) {
          const seg = { field, row: fieldsOf[lane].indexOf(field), value: text, colour: valueColour(text), from: e.t, to: run.endTime };
          segments[lane].push(seg);
          open[lane].set(field, seg);
        }
      }
    } else if (e.kind === 'fault') {
      for (const mark of faultAt.get(i)?.marks ?? []) {
        const lane = mark.effect === 'crash' && mark.node !== undefined ? laneIndex.get(mark.node) : undefined;
        if (lane !== undefined) for (const field of [...open[lane].keys()]) close(lane, field, e.t);
      }
    }
  });
}

/** Fault regions: each mark of each fault, from its event to its end (or the end of the run); lane -1 is every lane. */
/** @type {Region[]} */
export const regions = [];
run.faults.forEach((f, k) => {
  const from = trace[f.event].t;
  const to = f.over === null ? run.endTime : trace[f.over].t;
  for (const mark of f.marks) {
    const lane = mark.node === undefined ? -1 : laneIndex.get(mark.node);
    if (lane === undefined) continue;
    // A clock marker's label stops where the node's next clock marker begins.
    const nextClock = run.faults.slice(k + 1).find((g) => g.marks.some((m) => m.effect === 'clock' && m.node === mark.node));
    const cls = mark.effect + (mark.side === undefined ? '' : ' side-' + (mark.side % 3));
    regions.push({ lane, cls, label: mark.label, from, to, next: nextClock ? trace[nextClock.event].t : Infinity, event: f.event });
  }
});

export const violation = trace.findIndex((e) => e.kind === 'violation');
const violationEvent = trace[violation];
/** The nodes the violation names. */
export const involved = new Set(violationEvent?.kind === 'violation' ? violationEvent.nodes : []);
/** The events of the violation's causal slice (html.ts computes it: src/report/slice.ts). */
export const inSlice = new Set(run.slice?.events ?? []);
/** The facts the violation is about (ringed): the seeds of its slice. */
export const highlighted = new Set(run.slice?.seeds ?? []);
/** Per lane: whether any event of the slice is on it. */
export const sliceLanes = run.lanes.map(() => false);
for (const i of inSlice) {
  const e = trace[i];
  if ('node' in e) sliceLanes[laneOf(e.node)] = true;
  if (e.kind === 'deliver' || e.kind === 'drop') sliceLanes[laneOf(e.from)] = true;
}
for (const f of run.faults) {
  if (!inSlice.has(f.event)) continue;
  for (const mark of f.marks) if (mark.node !== undefined && laneIndex.has(mark.node)) sliceLanes[laneOf(mark.node)] = true;
}

/** Per lane: whether its clock ever read other than true time (then its lane carries a strip of its clock's readings). */
export const skewed = clockSamples.map((samples) => samples.some(([t, local]) => t !== local));

/**
 * A node's clock at true time t, from its offset at the last event it recorded: exact
 * unless its clock drifts or jumped since (an event's own `local` is always exact).
 * @param {number} lane
 * @param {number} t
 */
export function clockAt(lane, t) {
  const samples = clockSamples[lane];
  let lo = 0;
  let hi = samples.length;
  while (lo < hi) { const mid = (lo + hi) >> 1; if (samples[mid][0] <= t) lo = mid + 1; else hi = mid; }
  const s = samples[Math.max(0, lo - 1)];
  return s ? t + (s[1] - s[0]) : undefined;
}

/**
 * A fact that records a refusal, a denial or a loss: its name says so (`network-reply-lost`, `effect-suppressed`,
 * `renewal-refused`, `pay-timeout`, `produce-failed`), or its data answers no
 * (`accepted: false`, `allowed: false`, `granted: false`). Drawn as ✕, not ●.
 * @param {TraceEvent} e
 */
export function refusal(e) {
  if (e.kind !== 'fact') return false;
  if (/lost|late|refus|reject|suppress|denied|deny|timeout|fail|stale/.test(e.fact)) return true;
  const data = /** @type {Record<string, unknown> | null} */ (e.data && typeof e.data === 'object' ? e.data : null);
  return data !== null && ['accepted', 'allowed', 'granted', 'ok', 'success'].some((k) => data[k] === false);
}

/**
 * One line for an event; a fault's is the fault table's, embedded by html.ts.
 * @param {number} i
 */
export function summary(i) {
  const e = trace[i];
  switch (e.kind) {
    case 'deliver': return e.from + ' → ' + e.node + '  ' + compact(e.msg, 120);
    case 'drop': return e.from + ' → ' + e.node + ' LOST (' + e.reason + ')  ' + compact(e.msg, 120);
    case 'timer': return e.node + ' timer ' + compact(e.timer, 80);
    case 'timeout': return e.node + ' gave up waiting for ' + e.waitingFor.join(', ');
    case 'fact': return e.node + ' ● ' + e.fact + ' ' + compact(e.data, 120);
    case 'log': return e.node + ' “' + e.text + '”';
    case 'state': return e.node + ' = ' + compact(e.fields, 120);
    case 'probe': return e.node + ' ◆ reached ' + e.probe;
    case 'fault': return '⚡ ' + faultAt.get(i)?.description;
    case 'recover': return 'over: ' + faultAt.get(i)?.description;
    case 'violation': return '✗ ' + e.property + ': ' + e.message;
    case 'end': return 'end (' + e.reason + ')';
  }
}

/**
 * First index whose time is >= t (the trace is in time order).
 * @param {number} t
 */
export function firstAt(t) {
  let lo = 0;
  let hi = trace.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (trace[mid].t < t) lo = mid + 1; else hi = mid;
  }
  return lo;
}

// ---------- filters ----------
/** @param {TraceEvent} e */
const typeOf = (e) => (e.kind === 'deliver' || e.kind === 'drop' ? 'msg:' + messageType(e.msg) : e.kind === 'fact' ? 'fact:' + e.fact : e.kind);
const eventType = trace.map(typeOf);
/** The event types a person can hide: messages by their type, facts by their name, and the kinds of marks. */
export const types = [...new Set(eventType)].filter((k) => !['fault', 'recover', 'violation', 'end'].includes(k)).sort();
/** What is shown now: nodes and event types (all, at first), and whether only the causal slice is (the Why view). */
export const shown = { nodes: new Set(run.lanes), types: new Set(types), why: false };

/**
 * Whether a lane is drawn: its node is on, and in the Why view it has an event of the slice.
 * @param {number} lane
 */
export function laneShown(lane) {
  return shown.nodes.has(run.lanes[lane]) && (!shown.why || sliceLanes[lane]);
}

/**
 * An event is shown when its type is on and it concerns a node that is on.
 * @param {NodeEvent} e
 * @param {number} i
 */
export function visible(e, i) {
  if (!shown.types.has(eventType[i])) return false;
  if (shown.why && !inSlice.has(i)) return false;
  if (e.kind === 'deliver' || e.kind === 'drop') return shown.nodes.has(e.node) || shown.nodes.has(e.from);
  return shown.nodes.has(e.node);
}
