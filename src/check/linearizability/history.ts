/**
 * A concurrent history, as a client sees it: each process invokes one operation
 * at a time and then learns its outcome — `ok` (it took effect, with this result),
 * `fail` (it certainly did not take effect), or `info` (unknown: it may take effect
 * at any time after its invocation, or never). Times are true times.
 */
export type EventType = 'invoke' | 'ok' | 'fail' | 'info';

export const EVENT_TYPES: readonly EventType[] = ['invoke', 'ok', 'fail', 'info'];

export interface HistoryEvent {
  process: string;
  type: EventType;
  /** The operation: `read`, `write`, `put`, `acquire`, `enqueue`... */
  f: string;
  /** For keyed models (key-value store): the key the operation is on. */
  key?: string;
  /** On `invoke`, the operation's argument; on `ok`, its result. */
  value?: unknown;
  time: number;
}

/** One invocation paired with its outcome. `fail`ed invocations are not operations: they did nothing. */
export interface Operation {
  /** Position of the invocation in the history: a stable name for reports. */
  id: number;
  process: string;
  f: string;
  key: string | undefined;
  input: unknown;
  /** The result the client saw; undefined when the outcome is unknown. */
  output: unknown;
  call: number;
  /** When the client saw the result; Infinity when the outcome is unknown. */
  ret: number;
  /** False for `info` and for operations still pending when the history ends. */
  known: boolean;
}

/** A history that does not make sense; `index` is the offending event's position. */
export class HistoryError extends Error {
  override name = 'HistoryError';
  constructor(
    readonly index: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Pairs each invocation with its outcome, in history order. Operations still
 * pending at the end count as unknown outcome. `check` validates each event
 * against the model (returns a message when it is not an operation the model has).
 */
export function pairOperations(events: readonly HistoryEvent[], check?: (event: HistoryEvent) => string | undefined): Operation[] {
  const operations: Operation[] = [];
  const pending = new Map<string, Operation>();
  const failed = new Set<Operation>();
  events.forEach((event, index) => {
    const problem = check?.(event);
    if (problem) throw new HistoryError(index, problem);
    const open = pending.get(event.process);
    if (event.type === 'invoke') {
      if (open) throw new HistoryError(index, `process ${event.process} invokes ${event.f} while its ${open.f} invoked at time ${open.call} is still pending: one operation at a time per process`);
      const op: Operation = {
        id: operations.length, process: event.process, f: event.f, key: event.key,
        input: event.value, output: undefined, call: event.time, ret: Infinity, known: false,
      };
      operations.push(op);
      pending.set(event.process, op);
      return;
    }
    if (!open) throw new HistoryError(index, `process ${event.process} reports ${event.type} for ${event.f} but has no pending operation`);
    const op = open;
    if (event.f !== op.f) throw new HistoryError(index, `process ${event.process} reports ${event.type} for ${event.f} but its pending operation is ${op.f}`);
    if (event.key !== undefined && event.key !== op.key) throw new HistoryError(index, `process ${event.process} reports ${event.type} on key ${event.key} but invoked on key ${String(op.key)}`);
    if (event.time < op.call) throw new HistoryError(index, `process ${event.process} completes at time ${event.time}, before it invoked at ${op.call}`);
    pending.delete(event.process);
    if (event.type === 'ok') {
      op.output = event.value;
      op.ret = event.time;
      op.known = true;
    } else if (event.type === 'fail') {
      failed.add(op);
    }
  });
  const happened = operations.filter((op) => !failed.has(op));
  happened.forEach((op, i) => (op.id = i));
  return happened;
}

/**
 * Reads a history in JSON Lines, one event per line (blank lines are skipped):
 * `{"process":"c1","type":"invoke","f":"write","value":3,"time":10}`.
 * Throws `HistoryError` whose index is the 0-based line number.
 */
export function parseHistoryLines(text: string): { events: HistoryEvent[]; lines: number[] } {
  const events: HistoryEvent[] = [];
  const lines: number[] = [];
  text.split('\n').forEach((raw, index) => {
    const line = raw.trim();
    if (line === '') return;
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch (error) {
      throw new HistoryError(index, `not valid JSON (${(error as Error).message})`);
    }
    const problem = eventProblem(parsed);
    if (problem) throw new HistoryError(index, problem);
    const { process, type, f, key, value, time } = parsed as Record<string, unknown>;
    const event: HistoryEvent = { process: String(process), type: type as EventType, f: f as string, time: time as number };
    if (key !== undefined) event.key = String(key);
    if (value !== undefined) event.value = value;
    events.push(event);
    lines.push(index);
  });
  return { events, lines };
}

function eventProblem(parsed: unknown): string | undefined {
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return 'an event must be a JSON object';
  const e = parsed as Record<string, unknown>;
  if (typeof e.process !== 'string' && typeof e.process !== 'number') return `'process' must be a string or a number`;
  if (!EVENT_TYPES.includes(e.type as EventType)) return `'type' must be one of ${EVENT_TYPES.join(', ')} (got ${JSON.stringify(e.type)})`;
  if (typeof e.f !== 'string' || e.f === '') return `'f' (the operation) must be a non-empty string`;
  if (e.key !== undefined && typeof e.key !== 'string' && typeof e.key !== 'number') return `'key' must be a string or a number`;
  if (typeof e.time !== 'number' || !Number.isFinite(e.time)) return `'time' must be a finite number`;
  return undefined;
}
