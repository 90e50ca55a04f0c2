import type { HistoryEvent, Operation } from './history.js';

/**
 * A sequential specification: what one operation does to the state, applied one
 * at a time. `step` is pure and deterministic; it says whether the operation,
 * with the result the client saw, could happen in this state. For an operation
 * of unknown outcome (`op.known` false) the result is whatever the state gives.
 */
export interface Model<S = any> {
  readonly name: string;
  /** One line for `sim lincheck` and the README. */
  readonly description: string;
  /** The state before any operation; `startingFrom` gives the same model from another one. */
  init(): S;
  /** Why `value` cannot be this model's initial state, or undefined. */
  initialProblem(value: unknown): string | undefined;
  step(state: S, op: Operation): { ok: boolean; state: S };
  /** Equal for equal states, different otherwise: the search memoizes on it. */
  stateKey(state: S): string;
  /** Operations that never change the state: of unknown outcome, they constrain nothing and are dropped. */
  readonly readOnly: ReadonlySet<string>;
  /**
   * Splits operations into independent sub-histories (by key, for a key-value store).
   * Sound only when operations on different parts never interact: then the whole is
   * linearizable iff every part is (linearizability is local).
   */
  partition?(op: Operation): string;
  /** Why an event is not an operation of this model, or undefined. */
  validate(event: HistoryEvent): string | undefined;
  /**
   * For operations of unknown outcome: the time after which taking effect could no
   * longer explain any result, so the search may treat them as never having happened
   * (-Infinity: drop them outright). Operations not in the map may matter at any time.
   */
  lastUse?(ops: readonly Operation[]): Map<Operation, number>;
}

const NO = { ok: false } as { ok: false; state: never };

/** Values compare as their canonical JSON: `3` and `"3"` differ, `{a:1,b:2}` equals `{b:2,a:1}`. */
export function valueKey(value: unknown): string {
  if (value === undefined || value === null) return 'null';
  if (typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(valueKey).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${valueKey(v)}`).join(',')}}`;
}

const same = (a: unknown, b: unknown) => a === b || valueKey(a) === valueKey(b);

function checker(spec: { fs: readonly string[]; keyed: boolean; needsInput: readonly string[]; needsOutput: readonly string[]; pair?: readonly string[] }) {
  return (event: HistoryEvent): string | undefined => {
    if (!spec.fs.includes(event.f)) return `operation '${event.f}' is not one of ${spec.fs.join(', ')}`;
    if (spec.keyed && event.type === 'invoke' && event.key === undefined) return `${event.f} needs a 'key'`;
    if (!spec.keyed && event.key !== undefined) return `${event.f} takes no 'key' in this model`;
    if (event.type === 'invoke' && spec.needsInput.includes(event.f) && event.value === undefined) return `invoking ${event.f} needs a 'value'`;
    if (event.type === 'invoke' && spec.pair?.includes(event.f) && !(Array.isArray(event.value) && event.value.length === 2)) {
      return `invoking ${event.f} needs a 'value' of the form [expected, new]`;
    }
    if (event.type === 'ok' && spec.needsOutput.includes(event.f) && event.value === undefined) {
      return `ok for ${event.f} needs the 'value' it returned (null for none)`;
    }
    return undefined;
  };
}

/**
 * In a register, a write of unknown outcome matters only while an operation may
 * still observe its value. Taking effect after every observer of its value has
 * returned, it would be overwritten before anyone read it: removing it from such
 * a linearization leaves a valid one. So past the last observer's return it may
 * as well never have happened, and a write nobody observes is dropped. An observer
 * of unknown outcome (a cas) may observe at any time: it keeps the write in play.
 */
function lastUseOfWrites(
  ops: readonly Operation[],
  written: (op: Operation) => string | undefined,
  observed: (op: Operation) => string | undefined,
): Map<Operation, number> {
  const lastObserved = new Map<string, number>();
  for (const op of ops) {
    const value = observed(op);
    if (value !== undefined) lastObserved.set(value, Math.max(lastObserved.get(value) ?? -Infinity, op.ret));
  }
  const lastUse = new Map<Operation, number>();
  for (const op of ops) {
    const value = op.known ? undefined : written(op);
    if (value === undefined) continue;
    const until = lastObserved.get(value) ?? -Infinity;
    if (until !== Infinity) lastUse.set(op, until);
  }
  return lastUse;
}

/** Any JSON value (`sim lincheck --initial` parses JSON, so it can only give those) may start a register. */
const anyValue = (value: unknown) => (value === undefined ? 'the initial state must be a JSON value' : undefined);

/**
 * The same model, starting from `initial` instead of its default (a register at 0, a
 * store whose every key holds "" as Porcupine's key-value model starts): a read of 0
 * before any write is linearizable only then. Throws a RangeError naming the problem
 * when `initial` cannot be a state of this model.
 */
export function startingFrom<S>(model: Model<S>, initial: unknown): Model<S> {
  const problem = model.initialProblem(initial);
  if (problem !== undefined) throw new RangeError(`${model.name}: ${problem}`);
  return { ...model, init: () => initial as S };
}

const casExpected = (op: Operation) => (op.input as [unknown, unknown])[0];
const casNew = (op: Operation) => (op.input as [unknown, unknown])[1];

/** A single read/write register with compare-and-set; it starts as null unless told otherwise. */
export const registerModel: Model<unknown> = {
  name: 'register',
  description: 'one register: write(value), read → value (null before any write, or the initial state), cas([expected, new])',
  init: () => null,
  initialProblem: anyValue,
  step(state, op) {
    switch (op.f) {
      case 'write':
        return { ok: true, state: op.input };
      case 'read':
        return !op.known || same(op.output, state) ? { ok: true, state } : NO;
      case 'cas': {
        const [expected, next] = op.input as [unknown, unknown];
        return same(state, expected) ? { ok: true, state: next } : NO;
      }
      default:
        return NO;
    }
  },
  stateKey: valueKey,
  readOnly: new Set(['read']),
  validate: checker({ fs: ['read', 'write', 'cas'], keyed: false, needsInput: ['write', 'cas'], needsOutput: ['read'], pair: ['cas'] }),
  lastUse: (ops) => lastUseOfWrites(
    ops,
    (op) => (op.f === 'write' ? valueKey(op.input) : op.f === 'cas' ? valueKey(casNew(op)) : undefined),
    (op) => (op.f === 'read' && op.known ? valueKey(op.output) : op.f === 'cas' ? valueKey(casExpected(op)) : undefined),
  ),
};

/**
 * A key-value store: a register per key, plus `append`. The search always checks
 * each key on its own (`partition`), so the state a step sees is the value of its
 * key alone, and an initial state is the value every key starts with.
 *
 * `append` follows Porcupine's key-value model (anishathalye/porcupine,
 * porcupine_test.go, `kvModel`: every key starts as "", get returns the state, put
 * sets it, append sets it to state + value), the model of the MIT 6.824 key-value
 * labs whose histories (test_data/kv/*.txt, Jepsen's EDN `{:process 0, :type
 * :invoke, :f :append, :key "0", :value "x 0 0 y"}`) it checks. Here an absent key
 * (null) appends as "", so `--initial '""'` is needed only for a get of a key never
 * written to return "" as in those histories.
 */
const kvWriteFs = ['put', 'cas', 'append'];
const kvChecker = checker({ fs: ['get', 'put', 'cas', 'append'], keyed: true, needsInput: ['put', 'cas', 'append'], needsOutput: ['get'], pair: ['cas'] });

export const kvModel: Model<unknown> = {
  name: 'kv',
  description: 'key-value store: put(key, value), get(key) → value (null if absent, or the initial state), cas(key, [expected, new]), append(key, string) concatenates; checked per key',
  init: () => null,
  initialProblem: anyValue,
  step(current, op) {
    switch (op.f) {
      case 'put':
        return { ok: true, state: op.input };
      case 'get':
        return !op.known || same(op.output, current) ? { ok: true, state: current } : NO;
      case 'cas': {
        const [expected, next] = op.input as [unknown, unknown];
        return same(current, expected) ? { ok: true, state: next } : NO;
      }
      case 'append':
        // Appending onto a number or an object cannot happen: no order puts it there.
        if (current !== null && typeof current !== 'string') return NO;
        return { ok: true, state: (current ?? '') + (op.input as string) };
      default:
        return NO;
    }
  },
  stateKey: valueKey,
  readOnly: new Set(['get']),
  partition: (op) => op.key!,
  validate(event) {
    const problem = kvChecker(event);
    if (problem) return problem;
    if (event.type === 'invoke' && event.f === 'append' && typeof event.value !== 'string') return `invoking append needs a string 'value' (got ${JSON.stringify(event.value)})`;
    return undefined;
  },
  lastUse(ops) {
    // A read sees an appended-to put only through the concatenation, never as the
    // put's own value: on a key with appends, no write can be retired early.
    const appended = new Set(ops.filter((op) => op.f === 'append').map((op) => op.key));
    const plain = ops.filter((op) => !appended.has(op.key) || !kvWriteFs.includes(op.f));
    return lastUseOfWrites(
      plain,
      (op) => (op.f === 'put' ? `${op.key}\u0000${valueKey(op.input)}` : op.f === 'cas' ? `${op.key}\u0000${valueKey(casNew(op))}` : undefined),
      (op) => (op.f === 'get' && op.known ? `${op.key}\u0000${valueKey(op.output)}` : op.f === 'cas' ? `${op.key}\u0000${valueKey(casExpected(op))}` : undefined),
    );
  },
};

/**
 * A mutex as a sequential specification: acquire succeeds only when the lock is
 * free, release only by its holder. A refused acquire is reported as `fail`.
 */
export const lockModel: Model<string | null> = {
  name: 'lock',
  description: 'mutex: acquire (only when free), release (only by the holder); a refused acquire is a fail',
  init: () => null,
  initialProblem: (holder) => (holder === null || typeof holder === 'string' ? undefined : 'the initial state of a lock is its holder: a process name, or null when free'),
  step(holder, op) {
    if (op.f === 'acquire') return holder === null ? { ok: true, state: op.process } : NO;
    if (op.f === 'release') return holder === op.process ? { ok: true, state: null } : NO;
    return NO;
  },
  stateKey: (holder) => holder ?? '',
  readOnly: new Set(),
  validate: checker({ fs: ['acquire', 'release'], keyed: false, needsInput: [], needsOutput: [] }),
};

/** A FIFO queue: dequeue returns the oldest value, or null when the queue is empty. */
export const queueModel: Model<readonly unknown[]> = {
  name: 'queue',
  description: 'FIFO queue: enqueue(value), dequeue → oldest value (null when empty)',
  init: () => [],
  initialProblem: (items) => (Array.isArray(items) ? undefined : 'the initial state of a queue is the array of its items, oldest first'),
  step(queue, op) {
    if (op.f === 'enqueue') return { ok: true, state: [...queue, op.input] };
    if (op.f !== 'dequeue') return NO;
    if (queue.length === 0) return !op.known || op.output === null ? { ok: true, state: queue } : NO;
    if (op.known && !same(op.output, queue[0])) return NO;
    return { ok: true, state: queue.slice(1) };
  },
  stateKey: valueKey,
  readOnly: new Set(),
  validate: checker({ fs: ['enqueue', 'dequeue'], keyed: false, needsInput: ['enqueue'], needsOutput: ['dequeue'] }),
};

export const MODELS: Readonly<Record<string, Model>> = {
  register: registerModel,
  kv: kvModel,
  lock: lockModel,
  queue: queueModel,
};
