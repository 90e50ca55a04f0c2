/**
 * The causal slice of a violation: the events of the trace that could have led to
 * the facts the violation is about, and the faults that touched them. Lamport's
 * happened-before relation ("Time, Clocks, and the Ordering of Events in a
 * Distributed System", 1978, §2) over the trace: one node's events in the order
 * it recorded them, and a message's sending before its delivery (a timer is set by
 * an earlier event of its own node, so the node's order already covers it).
 *
 * The whole happened-before past of a violation at the end of a chatty run is
 * nearly the whole run, so the slice starts at a horizon: the earliest moment the
 * violation's facts lead back to through their direct causes (the delivery or
 * timer whose handler emitted a fact, the sending of that delivery, and so on back
 * to a timer or a start). Within [horizon, violation] it is the whole
 * happened-before past; before the horizon, only those chains of direct causes.
 * The faults in the slice are the ones whose effect touched a node of the slice
 * (or the whole network) while the slice was unfolding, however early they began;
 * a lost message is in it when the slice sent it to a node of the slice.
 *
 * A pure function of the trace: the CLI (`--why`), the text diagram and the page
 * all show this one slice.
 */
import { eventNodes, faultMarks, formatTime, type Micros, type TraceEvent } from '../kernel/index.js';

export interface CausalSlice {
  /** Indexes into the trace of the events in the slice, in trace order (the violation last). */
  events: number[];
  /** The violation's facts the slice was computed from. */
  seeds: number[];
  /** True time of the slice's earliest event (a fault may begin before the horizon). */
  from: Micros;
  /** The horizon: before it, only the chains of direct causes. */
  horizon: Micros;
  /** True time of the violation. */
  to: Micros;
}

/** What a handler starts from: a delivery, a timer or a timeout. */
const starts = (e: TraceEvent) => e.kind === 'deliver' || e.kind === 'timer' || e.kind === 'timeout';

/**
 * The causal slice of the run's violation, or undefined when the trace has none.
 * `at` is the violation's "went wrong at" time (`Violation.at`) for a property
 * judged at the end of the run: the facts it is about are at or before it.
 */
export function causalSlice(trace: readonly TraceEvent[], at?: Micros): CausalSlice | undefined {
  const v = trace.findIndex((e) => e.kind === 'violation');
  if (v < 0) return undefined;
  const violation = trace[v] as Extract<TraceEvent, { kind: 'violation' }>;
  const cutoff = at ?? violation.t;
  const byNode = indexByNode(trace, v);
  const seeds = violationFacts(trace, v, at, byNode);

  // Chains of direct causes, back to a timer or a start: they set the horizon.
  const chain = new Set<number>();
  const pending = [...seeds];
  while (pending.length > 0) {
    const i = pending.pop()!;
    if (chain.has(i)) continue;
    chain.add(i);
    const cause = directCause(trace, i, byNode);
    if (cause !== undefined) pending.push(cause);
  }
  const horizon = Math.min(cutoff, ...[...chain].map((i) => trace[i]!.t));

  // Happened-before from the seeds and their chains, back to the horizon: each
  // node's slice is a prefix of its events (`reach`: the last index in it).
  const reach = new Map<string, number>();
  const extend = (node: string, index: number) => {
    if ((reach.get(node) ?? -1) < index) reach.set(node, index);
  };
  for (const i of chain) extend(nodeOf(trace[i]!)!, i);
  const inSlice = new Set<number>(chain);
  for (let i = v - 1; i >= 0; i--) {
    const e = trace[i]!;
    if (e.t < horizon) break;
    const node = nodeOf(e);
    if (node === undefined || e.kind === 'drop' || i > (reach.get(node) ?? -1)) continue;
    inSlice.add(i);
    // The sending happened in the sender's handler at `sentAt`: its events up to then.
    if (e.kind === 'deliver' && e.sentAt >= horizon) extend(e.from, lastIndexAtOrBefore(byNode.get(e.from), trace, e.sentAt, i));
  }
  const nodes = new Set([...inSlice].map((i) => nodeOf(trace[i]!)!));
  const latest = new Map<string, Micros>();
  for (const i of inSlice) {
    const e = trace[i]!;
    const node = nodeOf(e)!;
    latest.set(node, Math.max(latest.get(node) ?? -Infinity, e.t));
  }

  // Lost messages the slice sent to a node of the slice.
  for (let i = v - 1; i >= 0 && trace[i]!.t >= horizon; i--) {
    const e = trace[i]!;
    if (e.kind === 'drop' && nodes.has(e.node) && (latest.get(e.from) ?? -Infinity) >= e.sentAt) inSlice.add(i);
  }
  for (const [start, end] of faultSpans(trace, v)) {
    const e = trace[start] as Extract<TraceEvent, { kind: 'fault' }>;
    const over = end === undefined ? violation.t : trace[end]!.t;
    if (over < horizon || e.t > violation.t) continue;
    if (!faultMarks(e.fault).some((mark) => mark.node === undefined || nodes.has(mark.node))) continue;
    inSlice.add(start);
    if (end !== undefined) inSlice.add(end);
  }
  inSlice.add(v);
  const events = [...inSlice].sort((a, b) => a - b);
  return { events, seeds: seeds.sort((a, b) => a - b), from: trace[events[0]!]!.t, horizon, to: violation.t };
}

/**
 * The facts a violation is about: the fact whose observation raised it (the last one
 * before it, at its time), the facts at the time a property judged at the end says
 * the history went wrong (`at`), and the facts at the true times its message cites (a
 * property names the facts it compares by their times: `since 14.815163s`,
 * `committed at 3.319476s`). A message that cites none names nodes instead: then
 * each named node's last fact.
 */
function violationFacts(trace: readonly TraceEvent[], v: number, at: Micros | undefined, byNode: Map<string, number[]>): number[] {
  const violation = trace[v] as Extract<TraceEvent, { kind: 'violation' }>;
  const cutoff = at ?? violation.t;
  const seeds = new Set<number>();
  for (let i = v - 1; at === undefined && i >= 0 && trace[i]!.t === cutoff; i--) {
    if (trace[i]!.kind === 'fact') {
      seeds.add(i);
      break;
    }
  }
  const cited = new Set([...violation.message.matchAll(/\b(\d+\.\d{6})s\b/g)].map((m) => m[1]));
  const trigger = seeds.size;
  for (let i = 0; i < v; i++) {
    const e = trace[i]!;
    if (e.kind === 'fact' && e.t <= cutoff && (e.t === at || cited.has(formatTime(e.t).slice(0, -1)))) seeds.add(i);
  }
  if (seeds.size > trigger) return [...seeds];
  for (const node of violation.nodes) {
    const own = byNode.get(node) ?? [];
    for (let k = own.length - 1; k >= 0; k--) {
      const e = trace[own[k]!]!;
      if (e.kind === 'fact' && e.t <= cutoff) {
        seeds.add(own[k]!);
        break;
      }
    }
  }
  return [...seeds];
}

/**
 * What made event i happen: a fact, log line, annotation or probe comes from the
 * handler it was recorded in (the delivery, timer or timeout that started it, at
 * the same true time); a delivery from the sender's handler at the sending time.
 */
function directCause(trace: readonly TraceEvent[], i: number, byNode: Map<string, number[]>): number | undefined {
  const e = trace[i]!;
  if (e.kind === 'timer' || e.kind === 'timeout') return undefined;
  const [node, t, before] = e.kind === 'deliver' ? [e.from, e.sentAt, i] : [nodeOf(e), e.t, i];
  if (node === undefined) return undefined;
  const own = byNode.get(node) ?? [];
  for (let k = upperBound(own, before) - 1; k >= 0; k--) {
    const c = trace[own[k]!]!;
    if (c.t < t) return undefined;
    if (c.t === t && starts(c) && own[k] !== i) return own[k];
  }
  return undefined;
}

/** The node an event happened on: a delivery or loss is the receiver's; a fault, recovery or violation is no one's. */
function nodeOf(e: TraceEvent): string | undefined {
  return e.kind === 'fault' || e.kind === 'recover' || e.kind === 'violation' || e.kind === 'end' ? undefined : eventNodes(e)[0];
}

/** Each node's event indexes before `v`, in order. */
function indexByNode(trace: readonly TraceEvent[], v: number): Map<string, number[]> {
  const byNode = new Map<string, number[]>();
  for (let i = 0; i < v; i++) {
    const node = nodeOf(trace[i]!);
    if (node === undefined) continue;
    let list = byNode.get(node);
    if (!list) byNode.set(node, (list = []));
    list.push(i);
  }
  return byNode;
}

/** The last of a node's events at or before true time t and before index `before`, or -1. */
function lastIndexAtOrBefore(own: number[] | undefined, trace: readonly TraceEvent[], t: Micros, before: number): number {
  if (!own) return -1;
  for (let k = upperBound(own, before - 1) - 1; k >= 0; k--) if (trace[own[k]!]!.t <= t) return own[k]!;
  return -1;
}

/** How many of the sorted `list` are <= value. */
function upperBound(list: number[], value: number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (list[mid]! <= value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Each fault before `v` with the index of its recovery (a recovery ends the earliest unended fault equal to it). */
function faultSpans(trace: readonly TraceEvent[], v: number): Array<[number, number | undefined]> {
  const spans: Array<[number, number | undefined, string]> = [];
  for (let i = 0; i < v; i++) {
    const e = trace[i]!;
    if (e.kind === 'fault') spans.push([i, undefined, JSON.stringify(e.fault)]);
    else if (e.kind === 'recover') {
      const key = JSON.stringify(e.fault);
      const started = spans.find((s) => s[1] === undefined && s[2] === key);
      if (started) started[1] = i;
    }
  }
  return spans.map(([start, end]) => [start, end]);
}
