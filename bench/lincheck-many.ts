/**
 * Writes histories for `sim lincheck` to check in one process:
 *
 *   npx tsx bench/lincheck-many.ts <folder> [count=100] [operations=1000]
 *   node bin/sim.js lincheck --model kv <folder>
 *
 * Each is a linearizable key-value history drawn from its seed (`bench/kv-history.ts`:
 * 10 clients, 5 keys, 2% of outcomes unknown); every tenth gets one stale read, so
 * the table has both verdicts and the exit code is 1.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { HistoryEvent, Operation } from '../src/check/linearizability/index.js';
import { linearizableKvHistory, withStaleRead } from './kv-history.js';

const [folder, count = '100', operations = '1000'] = process.argv.slice(2);
if (folder === undefined) {
  console.error('usage: npx tsx bench/lincheck-many.ts <folder> [count] [operations]');
  process.exit(2);
}

/** The events of whole operations, in time order (at one instant, returns first: the process is free again). */
function events(ops: readonly Operation[]): HistoryEvent[] {
  const list: Array<HistoryEvent & { order: number }> = [];
  for (const op of ops) {
    const base = { process: op.process, f: op.f, key: op.key! };
    list.push({ ...base, type: 'invoke', time: op.call, ...(op.input === undefined ? {} : { value: op.input }), order: 1 });
    if (op.known) list.push({ ...base, type: 'ok', time: op.ret, ...(op.output === undefined ? {} : { value: op.output }), order: 0 });
    else list.push({ ...base, type: 'info', time: op.call + 1_000, order: 0 });
  }
  list.sort((a, b) => a.time - b.time || a.order - b.order);
  return list.map(({ order: _, ...event }) => event);
}

mkdirSync(folder, { recursive: true });
for (let i = 1; i <= Number(count); i++) {
  const history = linearizableKvHistory({ seed: `many-${i}`, operations: Number(operations), clients: 10, keys: 5, unknown: 0.02 });
  const ops = i % 10 === 0 ? withStaleRead(history) : history;
  const name = `history-${String(i).padStart(3, '0')}.jsonl`;
  writeFileSync(join(folder, name), events(ops).map((e) => JSON.stringify(e)).join('\n') + '\n');
}
console.log(`wrote ${count} histories of ${operations} operations to ${folder}`);
