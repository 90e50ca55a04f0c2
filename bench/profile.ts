/**
 * Sums up a V8 CPU profile: the functions with the most self time, with their callees,
 * and self time per file.
 * `node --cpu-prof --cpu-prof-dir=/tmp/prof --import tsx bench/seeds.ts scenarios/raft-lock.ts 400`
 * then `npx tsx bench/profile.ts /tmp/prof/<file>.cpuprofile [rows]` (tsx's loader thread
 * writes a profile too: take the larger file).
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const [file, rows = '30'] = process.argv.slice(2);
if (file === undefined) throw new Error('usage: npx tsx bench/profile.ts <file.cpuprofile> [rows]');
const profile: Profile = JSON.parse(readFileSync(file, 'utf8'));
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const self = new Map<number, number>();
profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
const total = [...self.values()].reduce((a, b) => a + b, 0);

const where = (n: ProfileNode) => {
  const url = n.callFrame.url.replace(/^.*\/(src|bench|scenarios|node_modules)\//, '$1/');
  return `${n.callFrame.functionName || '(anonymous)'} ${url}:${n.callFrame.lineNumber + 1}`;
};
const sum = (key: (n: ProfileNode) => string) => {
  const totals = new Map<string, number>();
  for (const [id, t] of self) {
    const k = key(byId.get(id)!);
    totals.set(k, (totals.get(k) ?? 0) + t);
  }
  return [...totals].sort((a, b) => b[1] - a[1]);
};
const pct = (t: number) => `${((100 * t) / total).toFixed(1).padStart(5)}%`;

console.log(`total ${(total / 1e6).toFixed(2)} s sampled\n\nself time by function:`);
const functions = sum(where);
for (const [k, t] of functions.slice(0, Number(rows))) console.log(`${pct(t)}  ${k}`);
// Inclusive time: a function counts every sample it is on the stack for, once.
const parent = new Map<number, number>();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const inclusive = new Map<string, number>();
for (const [id, t] of self) {
  const seen = new Set<string>();
  for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) seen.add(where(byId.get(at)!));
  for (const k of seen) inclusive.set(k, (inclusive.get(k) ?? 0) + t);
}
console.log('\ntotal time (self and callees) by function:');
for (const [k, t] of [...inclusive].sort((a, b) => b[1] - a[1]).slice(0, Number(rows))) console.log(`${pct(t)}  ${k}`);
console.log('\nself time by file:');
for (const [k, t] of sum((n) => n.callFrame.url.replace(/^.*\/(src|bench|scenarios|node_modules)\//, '$1/') || `(${n.callFrame.functionName})`).slice(0, 20)) console.log(`${pct(t)}  ${k}`);
