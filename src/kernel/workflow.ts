import { CALL_TIMEOUT, SimEvent, WAKE, type EventLoop } from './events.js';
import type { Effect, Envelope, Reply } from './node.js';
import type { NodeRuntime } from './runtime.js';
import type { Micros } from './time.js';

/**
 * Request/reply tracking for workflows: the requests of one `call`/`callAll`, the
 * replies so far, and the timeout that ends the wait. A request carries its call,
 * and so does every reply to it (`ctx.reply` copies it), so a reply finds the
 * workflow that waits for it without a lookup. A reply the call no longer waits for
 * (it already has one, its timeout passed, or the caller crashed since) goes to
 * `onMessage`, as a late reply goes to a real client's socket.
 */
export interface CallGroup {
  workflow: Resumable;
  node: NodeRuntime;
  /** The caller's incarnation: a crash forgets every call. */
  incarnation: number;
  ids: number[];
  /** Whom each request went to: a request with no reply by the timeout gets `{ ok: false, from }`. */
  requests: ReadonlyArray<{ to: string }>;
  /** One per request, once its reply comes. */
  replies: Array<Reply | undefined>;
  remaining: number;
  /** Every request has its reply, or the timeout has passed. */
  over: boolean;
  timeout: SimEvent;
}

/** The key an envelope keeps its call under: a symbol, so neither JSON (traces, timer tags) nor a model's code sees it. */
export const CALL = Symbol('call');

/**
 * An envelope as the kernel makes it. A class with its fields assigned in the
 * constructor only, not an object literal with a computed key (V8 builds those through
 * a slow path) nor plainly declared fields (defined as undefined first).
 */
export class Message<B = unknown> implements Envelope<B> {
  declare readonly id: number;
  declare readonly from: string;
  declare readonly to: string;
  declare readonly body: B;
  declare readonly inReplyTo: number | undefined;
  declare readonly sentAt: Micros;
  declare [CALL]: CallGroup | undefined;

  constructor(id: number, from: string, to: string, body: B, inReplyTo: number | undefined, sentAt: Micros, call: CallGroup | undefined) {
    this.id = id;
    this.from = from;
    this.to = to;
    this.body = body;
    this.inReplyTo = inReplyTo;
    this.sentAt = sentAt;
    this[CALL] = call;
  }
}

/** The call that waits for this reply, if it still does. */
export function waitingCall(node: NodeRuntime, reply: Message): CallGroup | undefined {
  const call = reply[CALL];
  if (call === undefined || call.over || call.node !== node || call.incarnation !== node.incarnation) return undefined;
  return call.replies[call.ids.indexOf(reply.inReplyTo!)] === undefined ? call : undefined;
}

/**
 * What waits for an effect to complete: a generator workflow, or one `await` of an
 * async workflow (async-workflow.ts), resumed with the effect's result.
 */
export interface Resumable {
  next(value: unknown): IteratorResult<Effect, void>;
}

/** Resumes a workflow with `value` and carries out what it yields next: a sleep, or a call. */
export function step(loop: EventLoop, node: NodeRuntime, workflow: Resumable, value: unknown): void {
  const next = workflow.next(value);
  if (!next.done) perform(loop, node, workflow, next.value);
}

/** Carries out an effect: a wake-up after the sleep, or the requests of a call and its timeout; `workflow` resumes when it completes. */
export function perform(loop: EventLoop, node: NodeRuntime, workflow: Resumable, effect: Effect): void {
  if (effect.kind === 'sleep') {
    loop.enqueue(new SimEvent(loop.trueTime + node.clock.trueDuration(effect.duration), WAKE, node, node.incarnation, workflow));
    return;
  }
  if (effect.kind === 'until') {
    if (effect.at <= loop.trueTime) return step(loop, node, workflow, undefined);
    loop.enqueue(new SimEvent(effect.at, WAKE, node, node.incarnation, workflow));
    return;
  }
  const requests = effect.requests;
  if (requests.length === 0) return step(loop, node, workflow, []);
  const timeout = new SimEvent(loop.trueTime + node.clock.trueDuration(effect.timeout), CALL_TIMEOUT, node, node.incarnation, undefined);
  const count = requests.length;
  const call: CallGroup = { workflow, node, incarnation: node.incarnation, ids: new Array(count), requests, replies: new Array(count), remaining: count, over: false, timeout };
  timeout.payload = call;
  for (let i = 0; i < count; i++) {
    const request = requests[i]!;
    call.ids[i] = loop.send(node, request.to, request.body, undefined, call).id;
  }
  loop.enqueue(timeout);
}

/** A reply to one of the call's requests; the workflow resumes once every request has one. */
export function answerCall(loop: EventLoop, node: NodeRuntime, call: CallGroup, reply: Envelope): void {
  call.replies[call.ids.indexOf(reply.inReplyTo!)] = { ok: true, from: reply.from, body: reply.body };
  if (--call.remaining > 0) return;
  call.over = true;
  call.timeout.cancelled = true;
  step(loop, node, call.workflow, call.replies);
}

/** The timeout: the workflow resumes with the replies it has, and `ok: false` for the others. */
export function expireCall(loop: EventLoop, node: NodeRuntime, call: CallGroup): void {
  call.over = true;
  const waitingFor: string[] = [];
  for (let i = 0; i < call.replies.length; i++) {
    if (call.replies[i] !== undefined) continue;
    const from = call.requests[i]!.to;
    call.replies[i] = { ok: false, from };
    waitingFor.push(from);
  }
  if (loop.trace) loop.record({ t: loop.trueTime, kind: 'timeout', node: node.id, local: node.clock.read(loop.trueTime), waitingFor });
  step(loop, node, call.workflow, call.replies);
}
