import {
  checkLinearizability, pairOperations, type HistoryEvent, type Model,
} from '../../src/check/linearizability/index.js';

export interface Op {
  p: string;
  f: string;
  key?: string;
  in?: unknown;
  out?: unknown;
  /** [invoked, returned]; `'info'` as the return: the client never learned the outcome. */
  at: [number, number | 'info' | 'fail'];
}

/** The events of a history of whole operations, in time order. */
export function events(ops: Op[]): HistoryEvent[] {
  // At one instant: completions, then instantaneous operations, then invocations.
  const list: Array<HistoryEvent & { order: number; rank: number }> = [];
  ops.forEach((op, i) => {
    const base = { process: op.p, f: op.f, ...(op.key === undefined ? {} : { key: op.key }) };
    const [start, end] = op.at;
    const instant = end === start;
    list.push({ ...base, type: 'invoke', time: start, ...(op.in === undefined ? {} : { value: op.in }), order: i, rank: instant ? 1 : 3 });
    if (end === 'info' || end === 'fail') list.push({ ...base, type: end, time: start + 1, order: i, rank: 0 });
    else list.push({ ...base, type: 'ok', time: end, ...(op.out === undefined ? {} : { value: op.out }), order: i, rank: instant ? 2 : 0 });
  });
  list.sort((a, b) => a.time - b.time || a.rank - b.rank || a.order - b.order);
  return list.map(({ order: _, rank: __, ...event }) => event);
}

export function verdict(model: Model, ops: Op[]) {
  return checkLinearizability(model, pairOperations(events(ops), (e) => model.validate(e))).verdict;
}

export function check(model: Model, ops: Op[]) {
  return checkLinearizability(model, pairOperations(events(ops), (e) => model.validate(e)));
}
