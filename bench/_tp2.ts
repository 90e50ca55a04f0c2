import { defineScenario, ms, seconds, runScenario } from '../src/kernel/index.js';
import { buildCollab } from '../src/designs/collab-text/system.js';
import type { EditStep } from '../src/designs/collab-text/editing.js';
const script: EditStep[] = [
  { client: 'client-1', at: 0, op: 'insert', index: 0, ch: 'a' },
  { client: 'client-1', at: ms(40), op: 'insert', index: 1, ch: 'b' },
  { client: 'client-1', at: ms(80), op: 'insert', index: 2, ch: 'c' },
  { client: 'client-3', at: ms(500), op: 'insert', index: 1, ch: 'x' },
  { client: 'client-2', at: ms(500), op: 'delete', index: 1 },
  { client: 'client-1', at: ms(500), op: 'insert', index: 2, ch: 'y' },
];
for (const variant of ['ot-p2p', 'crdt', 'naive', 'ot-server'] as const) {
  const s = defineScenario({ description: 'x', expect: 'safe', duration: seconds(3), network: { latency: { min: ms(5), max: ms(60) } }, build: (w) => buildCollab(w, { variant, clients: 3, editing: { script }, duration: seconds(3), settle: seconds(1) }) });
  for (let seed = 1; seed <= 5; seed++) { const r = runScenario(s, seed); console.log(variant, seed, r.violation?.message ?? 'ok', r.summary); }
}
