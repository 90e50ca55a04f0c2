import { CALL_TIMEOUT, SimEvent, WAKE, type EventLoop } from './events.js';
import type { Effect, Envelope, Reply, Workflow } from './node.js';
import type { NodeRuntime } from './runtime.js';

/**
 * Request/reply tracking for workflows: the requests of one `call`/`callAll`, the
 * replies so far, and the timeout that ends the wait. Each request's message id maps
 * to its group in the calling node's `calls`, so a reply finds the workflow that
 * waits for it; one that arrives after the timeout finds nothing and goes to `onMessage`.
 */
export interface CallGroup {
  workflow: Workflow;
  ids: number[];
  replies: Reply[];
  remaining: number;
  timeout: SimEvent;
}

/** Resumes a workflow with `value` and carries out what it yields next: a sleep, or a call. */
export function step(loop: EventLoop, node: NodeRuntime, workflow: Workflow, value: unknown): void {
  const next = workflow.next(value);
  if (next.done) return;
  const effect: Effect = next.value;
  if (effect.kind === 'sleep') {
    loop.enqueue(new SimEvent(loop.trueTime + node.clock.trueDuration(effect.duration), WAKE, node, node.incarnation, workflow));
    return;
  }
  if (effect.requests.length === 0) return step(loop, node, workflow, []);
  const timeout = new SimEvent(loop.trueTime + node.clock.trueDuration(effect.timeout), CALL_TIMEOUT, node, node.incarnation, undefined);
  const group: CallGroup = { workflow, ids: [], replies: [], remaining: effect.requests.length, timeout };
  timeout.payload = group;
  effect.requests.forEach((request, i) => {
    group.replies[i] = { ok: false, from: request.to };
    const id = loop.send(node, request.to, request.body, undefined);
    group.ids.push(id);
    node.calls.set(id, group);
  });
  loop.enqueue(timeout);
}

/** A reply to one of the group's requests; the workflow resumes once every request has one. */
export function answerCall(loop: EventLoop, node: NodeRuntime, group: CallGroup, envelope: Envelope): void {
  const index = group.ids.indexOf(envelope.inReplyTo!);
  node.calls.delete(envelope.inReplyTo!);
  group.replies[index] = { ok: true, from: envelope.from, body: envelope.body };
  if (--group.remaining > 0) return;
  group.timeout.cancelled = true;
  step(loop, node, group.workflow, group.replies);
}

/** The timeout: the workflow resumes with the replies it has; the others stay `ok: false`. */
export function expireCall(loop: EventLoop, node: NodeRuntime, group: CallGroup): void {
  const waitingFor: string[] = [];
  group.ids.forEach((id, i) => {
    if (node.calls.delete(id)) waitingFor.push(group.replies[i]!.from);
  });
  if (loop.trace) loop.record({ t: loop.trueTime, kind: 'timeout', node: node.id, local: node.clock.read(loop.trueTime), waitingFor });
  step(loop, node, group.workflow, group.replies);
}
