import { Random } from '../src/kernel/index.js';
import type { Operation } from '../src/check/linearizability/index.js';

export interface KvHistoryOptions {
  seed: string;
  operations: number;
  clients: number;
  keys: number;
  /** Share of operations whose client never learns the outcome (they still take effect). */
  unknown: number;
}

/**
 * A history of a linearizable key-value store: each client runs one operation at
 * a time; each operation takes effect at a random moment inside its interval, and
 * the results come from applying them in the order of those moments.
 */
export function linearizableKvHistory(options: KvHistoryOptions): Operation[] {
  const random = new Random(options.seed);
  const drafts: Array<{ op: Operation; effect: number }> = [];
  const clock = new Array<number>(options.clients).fill(0);
  for (let n = 0; n < options.operations; n++) {
    const client = n % options.clients;
    const call = clock[client]! + random.int(0, 50);
    const effect = call + random.int(1, 100);
    const ret = effect + random.int(1, 100);
    clock[client] = ret;
    const put = random.chance(0.5);
    const known = !random.chance(options.unknown);
    const op: Operation = {
      id: n, process: `c${client}`, f: put ? 'put' : 'get', key: `k${random.int(1, options.keys)}`,
      input: put ? `v${n}` : undefined, output: undefined, call, ret: known ? ret : Infinity, known,
    };
    if (!known) clock[client] = ret + 1_000; // the client gives up and moves on later
    drafts.push({ op, effect });
  }
  const store = new Map<string, unknown>();
  for (const { op } of [...drafts].sort((a, b) => a.effect - b.effect)) {
    if (op.f === 'put') store.set(op.key!, op.input);
    else if (op.known) op.output = store.get(op.key!) ?? null;
  }
  return drafts.map((d) => d.op).sort((a, b) => a.call - b.call).map((op, id) => ({ ...op, id }));
}

/**
 * A copy with one stale read, late in the history: a get returns the value of a
 * put that was overwritten by another put, which itself returned before the get began.
 */
export function withStaleRead(history: Operation[]): Operation[] {
  const copy = history.map((op) => ({ ...op }));
  const puts = copy.filter((op) => op.f === 'put' && op.known);
  for (let i = copy.length - 1; i >= 0; i--) {
    const get = copy[i]!;
    if (get.f !== 'get' || !get.known) continue;
    const before = puts.filter((p) => p.key === get.key && p.ret < get.call);
    const overwriting = before[before.length - 1];
    const overwritten = overwriting && before.find((p) => p.ret < overwriting.call);
    if (overwritten === undefined) continue;
    get.output = overwritten.input;
    return copy;
  }
  throw new Error('no read to make stale');
}
