import type { Operation } from './history.js';
import type { Model } from './models.js';

/**
 * Where the search got stuck, at its deepest: it had linearized `linearized`
 * operations (the last few are in `recent`), reaching `state`; `stuck` must
 * have taken effect before it returned, yet neither it nor any of the other
 * operations pending at that moment (`pending`) can be applied next.
 */
export interface Counterexample {
  /** The key of the failing sub-history, for partitioned models. */
  partition: string | undefined;
  /** Operations in the failing sub-history. */
  size: number;
  linearized: number;
  /** The longest partial linearization found: the `linearized` operations, in the order applied. */
  linearization: Operation[];
  recent: Operation[];
  state: string;
  stuck: Operation;
  pending: Operation[];
}

export type LinearizabilityResult =
  | { verdict: 'linearizable'; operations: number; partitions: number; steps: number }
  | { verdict: 'not-linearizable'; operations: number; partitions: number; steps: number; counterexample: Counterexample }
  /** The step budget ran out first (the search is exponential in the worst case). */
  | { verdict: 'undecided'; operations: number; partitions: number; steps: number };

export interface LinearizabilityOptions {
  /** Search steps before giving up with `undecided`. */
  maxSteps?: number;
}

const DEFAULT_MAX_STEPS = 50_000_000;
const RECENT = 6;
const PENDING = 10;

/**
 * Decides whether a history is linearizable with respect to a sequential model.
 *
 * Wing & Gong's search with Lowe's just-in-time linearization, memoized as in
 * Porcupine: walk the history in time order; at each invocation try to apply
 * that operation now; at a return whose operation has not been applied,
 * backtrack. A (set of applied operations, model state) configuration seen
 * before is never explored again. Operations of unknown outcome have no return,
 * so they may be applied at any point after their invocation, or never: the
 * search succeeds once every operation that returned `ok` is applied. Those that
 * cannot change the state are dropped, and those with a `lastUse` (model) are
 * retired past it. Keyed models are split into independent sub-histories first.
 */
export function checkLinearizability<S>(model: Model<S>, operations: readonly Operation[], options: LinearizabilityOptions = {}): LinearizabilityResult {
  const lastUse = model.lastUse?.(operations) ?? new Map<Operation, number>();
  const relevant = operations.filter((op) => op.known || (!model.readOnly.has(op.f) && lastUse.get(op) !== -Infinity));
  const parts = partitionOf(model, relevant);
  const maxSteps = options.maxSteps ?? DEFAULT_MAX_STEPS;
  const budget = { left: maxSteps };
  const summary = () => ({ operations: relevant.length, partitions: parts.size, steps: maxSteps - Math.max(0, budget.left) });
  for (const [key, ops] of parts) {
    const outcome = searchPartition(model, ops, key, lastUse, budget);
    if (outcome === 'undecided') return { verdict: 'undecided', ...summary() };
    if (outcome !== undefined) return { verdict: 'not-linearizable', ...summary(), counterexample: outcome };
  }
  return { verdict: 'linearizable', ...summary() };
}

function partitionOf<S>(model: Model<S>, operations: readonly Operation[]): Map<string | undefined, Operation[]> {
  const parts = new Map<string | undefined, Operation[]>();
  if (!model.partition) return parts.set(undefined, operations.slice());
  for (const op of operations) {
    const key = model.partition(op);
    const part = parts.get(key);
    if (part) part.push(op);
    else parts.set(key, [op]);
  }
  return parts;
}

/** A call or return in the doubly linked list the search walks and lifts operations out of. */
interface Entry {
  index: number;
  call: boolean;
  /**
   * A return that is really the last use of an operation of unknown outcome: reaching
   * it with the operation still unapplied, the search retires the operation instead
   * of backtracking.
   */
  retire: boolean;
  time: number;
  id: number;
  /** The other half: a call's return (none for unknown outcome without a last use), a return's call. */
  match: Entry | undefined;
  prev: Entry | undefined;
  next: Entry | undefined;
}

function buildList(ops: readonly Operation[], lastUse: ReadonlyMap<Operation, number>): Entry {
  const entries: Entry[] = [];
  const entry = (index: number, call: boolean, retire: boolean, time: number): Entry =>
    ({ index, call, retire, time, id: ops[index]?.id ?? -1, match: undefined, prev: undefined, next: undefined });
  ops.forEach((op, index) => {
    const call = entry(index, true, false, op.call);
    entries.push(call);
    const until = op.known ? op.ret : lastUse.get(op);
    if (until !== undefined) {
      call.match = entry(index, false, !op.known, Math.max(until, op.call));
      call.match.match = call;
      entries.push(call.match);
    }
  });
  // At equal times a call comes before a return: such operations count as concurrent.
  entries.sort((a, b) => a.time - b.time || (a.call === b.call ? a.id - b.id : a.call ? -1 : 1));
  const head = entry(-1, false, false, -Infinity);
  let last = head;
  for (const e of entries) {
    last.next = e;
    e.prev = last;
    last = e;
  }
  return head;
}

/** Takes a call, and its return if it has one, out of the list. */
function lift(entry: Entry): void {
  entry.prev!.next = entry.next;
  if (entry.next) entry.next.prev = entry.prev;
  const match = entry.match;
  if (match) {
    match.prev!.next = match.next;
    if (match.next) match.next.prev = match.prev;
  }
}

function unlift(entry: Entry): void {
  const match = entry.match;
  if (match) {
    match.prev!.next = match;
    if (match.next) match.next.prev = match;
  }
  entry.prev!.next = entry;
  if (entry.next) entry.next.prev = entry;
}

/** A bijective 32-bit mixer (lowbias32): distinct inputs give distinct, well-spread words. */
function mix(x: number): number {
  x = Math.imul(x ^ (x >>> 16), 0x7feb352d);
  x = Math.imul(x ^ (x >>> 15), 0x846ca68b);
  return (x ^ (x >>> 16)) >>> 0;
}

/**
 * The set of applied operations is memoized by a 96-bit Zobrist fingerprint (the
 * XOR of three words per operation), as TLC memoizes states by fingerprint, rather
 * than by a copy of the set: a copy costs n/32 words per configuration, which is
 * what makes memory, not time, the limit on long histories. Two different sets
 * share a fingerprint with probability 2^-96; over 10^7 configurations the chance
 * that any pair does is below 10^-15.
 */
function fingerprints(count: number): Uint32Array[] {
  const words = [new Uint32Array(count), new Uint32Array(count), new Uint32Array(count)];
  for (let i = 0; i < count; i++) for (let w = 0; w < 3; w++) words[w]![i] = mix(3 * i + w + 1);
  return words;
}

function searchPartition<S>(
  model: Model<S>, ops: readonly Operation[], key: string | undefined, lastUse: ReadonlyMap<Operation, number>, budget: { left: number },
): Counterexample | 'undecided' | undefined {
  const head = buildList(ops, lastUse);
  const [z1, z2, z3] = fingerprints(ops.length) as [Uint32Array, Uint32Array, Uint32Array];
  const seen = new Set<string>();
  const stack: Array<{ entry: Entry; state: S; retired: boolean }> = [];
  const totalKnown = ops.reduce((n, op) => n + (op.known ? 1 : 0), 0);
  let remainingKnown = totalKnown;
  let state = model.init();
  let h1 = 0;
  let h2 = 0;
  let h3 = 0;
  let deepest: Counterexample | undefined;
  let deepestOrdered = -1;
  let deepestDepth = 0;

  let entry = head.next;
  while (remainingKnown > 0) {
    if (--budget.left < 0) return 'undecided';
    if (entry!.call) {
      const i = entry!.index;
      const op = ops[i]!;
      const result = model.step(state, op);
      if (result.ok) {
        const a = h1 ^ z1[i]!;
        const b = h2 ^ z2[i]!;
        const c = h3 ^ z3[i]!;
        const memoKey = `${a},${b},${c},${model.stateKey(result.state)}`;
        if (!seen.has(memoKey)) {
          seen.add(memoKey);
          stack.push({ entry: entry!, state, retired: false });
          state = result.state;
          h1 = a;
          h2 = b;
          h3 = c;
          if (op.known) remainingKnown--;
          lift(entry!);
          entry = head.next;
          continue;
        }
      }
      entry = entry!.next;
      continue;
    }
    if (entry!.retire) {
      // Past its last use, an operation of unknown outcome is as good as never applied.
      const i = entry!.index;
      const a = h1 ^ z1[i]!;
      const b = h2 ^ z2[i]!;
      const c = h3 ^ z3[i]!;
      const memoKey = `${a},${b},${c},${model.stateKey(state)}`;
      if (!seen.has(memoKey)) {
        seen.add(memoKey);
        stack.push({ entry: entry!.match!, state, retired: true });
        h1 = a;
        h2 = b;
        h3 = c;
        lift(entry!.match!);
        entry = head.next;
        continue;
      }
    } else {
      // A return whose operation is not applied yet: nothing after it can go first.
      // The report shows where the most returned operations were ordered, with the
      // fewest operations of unknown outcome guessed in: the clearest picture.
      const ordered = totalKnown - remainingKnown;
      if (deepest === undefined || ordered > deepestOrdered || (ordered === deepestOrdered && stack.length < deepestDepth)) {
        deepest = snapshot(model, ops, key, head, entry!, stack, state);
        deepestOrdered = ordered;
        deepestDepth = stack.length;
      }
    }
    // Backtrack to the last choice that was really a choice: retiring was not one.
    let top;
    do {
      top = stack.pop();
      if (top === undefined) return deepest;
      const i = top.entry.index;
      h1 ^= z1[i]!;
      h2 ^= z2[i]!;
      h3 ^= z3[i]!;
      if (ops[i]!.known) remainingKnown++;
      state = top.state;
      unlift(top.entry);
    } while (top.retired);
    entry = top.entry.next;
  }
  return undefined;
}

function snapshot<S>(
  model: Model<S>, ops: readonly Operation[], key: string | undefined, head: Entry, stuckReturn: Entry,
  stack: ReadonlyArray<{ entry: Entry; retired: boolean }>, state: S,
): Counterexample {
  const pending: Operation[] = [];
  for (let e = head.next; e && e !== stuckReturn && pending.length < PENDING; e = e.next) {
    if (e.call && e.index !== stuckReturn.index) pending.push(ops[e.index]!);
  }
  const applied = stack.filter((s) => !s.retired).map((s) => ops[s.entry.index]!);
  return {
    partition: key,
    size: ops.length,
    linearized: applied.length,
    linearization: applied,
    recent: applied.slice(-RECENT),
    state: model.stateKey(state),
    stuck: ops[stuckReturn.index]!,
    pending,
  };
}
