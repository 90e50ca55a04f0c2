import type { Operation } from './history.js';
import type { Model } from './models.js';
import { checkLinearizability, type Counterexample } from './search.js';

/**
 * The smallest sub-history of a non-linearizable history that still cannot be
 * linearized, found in three steps, each of which keeps the story the full
 * history tells:
 *
 * 1. Only the failing part (the key, for a key-value store): linearizability is
 *    local, so the other parts play no role.
 * 2. The earliest prefix that already fails: the history cut at a return time T,
 *    where operations still running at T become of unknown outcome. A
 *    linearization of a longer prefix, cut at T, linearizes the shorter one, so
 *    failing is monotone in T and a binary search finds the first T.
 * 3. Removing operations, in halving chunks down to one at a time (Zeller's
 *    delta debugging), while the rest still fails **and** the stuck operation's
 *    result is still possible at some time: with that one operation's interval
 *    stretched over all time, the rest is linearizable. Without that condition,
 *    removing the write a stale read saw leaves a "read of a value nobody wrote":
 *    still failing, but a different and misleading story. When the history itself
 *    fails that way (its stuck operation is impossible at any time), that is the
 *    story, and the condition is dropped.
 *
 * Each check runs with a step budget; a check the budget cannot decide counts as
 * "does not fail", so the window can only be larger than necessary, never wrong:
 * the window returned has been checked non-linearizable. Removing operations, not
 * cutting a time segment, because the operations of a failure can lie far apart
 * in time (a read of a value written at the very start).
 */
export interface FailingWindow {
  operations: Operation[];
  /** Where the search got stuck on the window alone. */
  counterexample: Counterexample;
  /** The cut time of step 2: the history is linearizable up to just before it. */
  failsBy: number;
}

const STEPS_PER_CHECK = 200_000;

export function smallestFailingWindow<S>(model: Model<S>, operations: readonly Operation[], failure: Counterexample): FailingWindow {
  const part = model.partition === undefined ? operations.slice() : operations.filter((op) => model.partition!(op) === failure.partition);
  const cuts = [...new Set(part.filter((op) => op.known).map((op) => op.ret))].sort((a, b) => a - b);
  // The whole part fails, so the last cut does; find the first that does.
  let low = 0;
  let high = cuts.length - 1;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (counterexampleOf(model, cutAt(part, cuts[middle]!))) high = middle;
    else low = middle + 1;
  }
  const failsBy = cuts[low]!;
  let window = cutAt(part, failsBy).sort((a, b) => a.call - b.call || a.id - b.id);
  const stuck = counterexampleOf(model, window)?.stuck;
  if (stuck === undefined) return { operations: window, counterexample: failure, failsBy };
  // Stretched from before the first call to after the last return (finite: the search sorts by time differences).
  const first = Math.min(...window.map((op) => op.call)) - 1;
  const stretched = { ...stuck, call: first, ret: failsBy + 1 };
  const possibleSometime = (ops: readonly Operation[]) =>
    counterexampleOf(model, ops.map((op) => (op === stuck ? stretched : op))) === undefined;
  const storyMatters = possibleSometime(window);
  const stillFails = (candidate: readonly Operation[]) =>
    counterexampleOf(model, candidate) !== undefined && (!storyMatters || possibleSometime(candidate));

  for (let chunk = Math.ceil(window.length / 2); ; chunk = Math.ceil(chunk / 2)) {
    for (let start = 0; start < window.length;) {
      const candidate = window.filter((op, i) => op === stuck || i < start || i >= start + chunk);
      if (candidate.length < window.length && stillFails(candidate)) window = candidate;
      else start += chunk;
    }
    if (chunk === 1) break;
  }
  // Undecided within the budget only when nothing could be removed: the full check's answer stands.
  return { operations: window, counterexample: counterexampleOf(model, window) ?? failure, failsBy };
}

/** The history as it stood at time `t`: operations invoked by then, those still running then of unknown outcome. */
function cutAt(ops: readonly Operation[], t: number): Operation[] {
  return ops.filter((op) => op.call <= t).map((op) => (op.ret <= t ? op : { ...op, output: undefined, ret: Infinity, known: false }));
}

function counterexampleOf<S>(model: Model<S>, ops: readonly Operation[]): Counterexample | undefined {
  const result = checkLinearizability(model, ops, { maxSteps: STEPS_PER_CHECK });
  return result.verdict === 'not-linearizable' ? result.counterexample : undefined;
}
