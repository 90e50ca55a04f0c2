import { describe, expect, it } from 'vitest';
import { ms, seconds, type Fact, type Micros, type Property } from '../../src/kernel/index.js';
import type { AppliedKind } from '../../src/designs/collab-text/facts.js';
import { convergence, intentionPreservation, noLostKeystroke } from '../../src/designs/collab-text/properties.js';

const REPLICAS = ['a', 'b'];
const SETTLE = seconds(1);

/** Replica `node` applied `op` (inserting or removing `char`) at true time t, holding `ids` afterwards; each id's character is its site's letter. */
function applied(t: Micros, node: string, op: string, kind: AppliedKind, char: string, ids: string[], local = false): Fact {
  return { t, node, kind: 'op-applied', data: { op, kind, char, local, text: ids.map((id) => id[0]).join(''), ids, transforms: 0, meta: 0 } };
}
const acked = (t: Micros, node: string, op: string): Fact => ({ t, node, kind: 'op-acked', data: { op, char: op } });
const restored = (t: Micros, node: string, ids: string[], appliedOps: string[]): Fact => ({ t, node, kind: 'replica-restored', data: { text: ids.map((id) => id[0]).join(''), ids, applied: appliedOps } });

/** Feeds a hand-built history; returns the first breach message, or the end-of-run verdict. */
function judge(property: Property<any>, facts: Fact[], end: { t: Micros; faultsOverAt: Micros } = { t: seconds(10), faultsOverAt: 0 }): string | undefined {
  for (const fact of facts) {
    if (property.watches && !property.watches.includes(fact.kind)) continue;
    const breach = property.observe?.(fact);
    if (breach) return breach.message;
  }
  return property.finish?.(end)?.message;
}

// Two sites type 'x' (a.0) and 'y' (b.0) at position 0 concurrently.
const typedBoth = [applied(ms(1), 'a', 'a.0', 'ins', 'a.0', ['a.0'], true), applied(ms(1), 'b', 'b.0', 'ins', 'b.0', ['b.0'], true)];

describe('convergence', () => {
  it('holds when every replica ends with every operation and the same text, whatever order they applied them in', () => {
    const history = [...typedBoth, applied(ms(5), 'a', 'b.0', 'ins', 'b.0', ['a.0', 'b.0']), applied(ms(6), 'b', 'a.0', 'ins', 'a.0', ['a.0', 'b.0'])];
    expect(judge(convergence({ replicas: REPLICAS, settle: SETTLE }), history)).toBeUndefined();
  });

  it('is broken at the quiescent point where every replica has every operation but the texts differ', () => {
    const history = [...typedBoth, applied(ms(5), 'a', 'b.0', 'ins', 'b.0', ['b.0', 'a.0']), applied(ms(6), 'b', 'a.0', 'ins', 'a.0', ['a.0', 'b.0'])];
    expect(judge(convergence({ replicas: REPLICAS, settle: SETTLE }), history)).toBe('all 2 operations reached every replica at 0.006000s, but a holds "ba" and b holds "ab"');
  });

  it('is not judged before quiescence: replicas that differ while operations are in flight are fine', () => {
    expect(judge(convergence({ replicas: REPLICAS, settle: SETTLE }), typedBoth, { t: ms(500), faultsOverAt: 0 })).toBeUndefined();
  });

  it('is broken by a settled run that never delivered everything, and says which replica lacks what', () => {
    const history = [...typedBoth, applied(ms(5), 'a', 'b.0', 'ins', 'b.0', ['a.0', 'b.0'])];
    expect(judge(convergence({ replicas: REPLICAS, settle: SETTLE }), history)).toMatch(/yet b lacks 1 operations: delivery never finished/);
  });

  it('follows a replica restored from disk: what it read back replaces what it held', () => {
    const history = [...typedBoth, applied(ms(5), 'a', 'b.0', 'ins', 'b.0', ['a.0', 'b.0']), restored(ms(6), 'b', [], []), applied(ms(7), 'b', 'a.0', 'ins', 'a.0', ['a.0'])];
    expect(judge(convergence({ replicas: REPLICAS, settle: SETTLE }), history)).toMatch(/b lacks 1/);
  });
});

describe('intention-preservation', () => {
  it('holds while each operation changes only its own character', () => {
    const history = [...typedBoth, applied(ms(5), 'a', 'b.0', 'ins', 'b.0', ['a.0', 'b.0']), applied(ms(6), 'a', 'a.1', 'del', 'a.0', ['b.0'], true)];
    expect(judge(intentionPreservation(), history)).toBeUndefined();
  });

  it('is broken by characters changing their relative order', () => {
    const history = [applied(1, 'a', 'a.0', 'ins', 'a.0', ['a.0']), applied(2, 'a', 'a.1', 'ins', 'a.1', ['a.0', 'a.1']), applied(3, 'a', 'b.0', 'ins', 'b.0', ['a.1', 'b.0', 'a.0'])];
    expect(judge(intentionPreservation(), history)).toBe('operation b.0 at a changed more than the one character it inserts: its characters went from [a.0 a.1] to [a.1 b.0 a.0]; characters must keep their relative order');
  });

  it('is broken by a deleted character reappearing (a duplicated insert applied after the delete)', () => {
    const history = [applied(1, 'a', 'b.0', 'ins', 'b.0', ['b.0']), applied(2, 'a', 'a.0', 'del', 'b.0', [], true), applied(3, 'a', 'b.0', 'ins', 'b.0', ['b.0'])];
    expect(judge(intentionPreservation(), history)).toBe('a deleted character b.0 earlier, and operation b.0 put it back: a deleted character must never reappear');
  });
});

describe('no-lost-keystroke', () => {
  it('holds when every acknowledged insert is in every replica, or was deleted', () => {
    const history = [...typedBoth, acked(ms(2), 'a', 'a.0'), acked(ms(2), 'b', 'b.0'), applied(ms(5), 'a', 'b.0', 'ins', 'b.0', ['a.0', 'b.0']), applied(ms(6), 'b', 'a.0', 'ins', 'a.0', ['a.0', 'b.0']), applied(ms(7), 'b', 'b.1', 'del', 'a.0', ['b.0'], true), applied(ms(8), 'a', 'b.1', 'del', 'a.0', ['b.0'])];
    expect(judge(noLostKeystroke({ replicas: REPLICAS, settle: SETTLE }), history)).toBeUndefined();
  });

  it('is broken by an acknowledged character missing from a replica that forgot it (restored from a disk written too late)', () => {
    const history = [...typedBoth, acked(ms(2), 'a', 'a.0'), applied(ms(5), 'a', 'b.0', 'ins', 'b.0', ['a.0', 'b.0']), applied(ms(6), 'b', 'a.0', 'ins', 'a.0', ['a.0', 'b.0']), restored(ms(7), 'a', ['b.0'], ['a.0', 'b.0'])];
    expect(judge(noLostKeystroke({ replicas: REPLICAS, settle: SETTLE }), history)).toBe(`character a.0, acknowledged at 0.002000s and never deleted, is not in a's text "b"`);
  });
});
