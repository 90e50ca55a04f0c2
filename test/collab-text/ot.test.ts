import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { applyOp, textOf, transform, type Char, type TextOp } from '../../src/designs/collab-text/ot.js';

/** The text an operation sequence leaves when applied to `start`. */
function run(start: string, ...ops: TextOp[]): string {
  const doc: Char[] = [...start].map((ch, i) => ({ id: `0.${i}`, ch }));
  for (const op of ops) applyOp(doc, op);
  return textOf(doc);
}

const ins = (pos: number, ch: string, site: number): TextOp => ({ kind: 'ins', pos, ch, id: `${site}.${ch}`, site });
const del = (pos: number, site: number): TextOp => ({ kind: 'del', pos, id: `${site}.del`, site });

const START = 'abcdef';
const op = (site: number) =>
  fc.oneof(
    fc.record({ pos: fc.integer({ min: 0, max: START.length }), ch: fc.constantFrom('x', 'y', 'z') }).map(({ pos, ch }) => ins(pos, ch, site)),
    fc.integer({ min: 0, max: START.length - 1 }).map((pos) => del(pos, site)),
  );

describe('the transformation functions', () => {
  test.prop([op(1), op(2)])('satisfy TP1: two concurrent operations applied in either order, each transformed against the other, give one text', (a, b) => {
    expect(run(START, a, transform(b, a))).toBe(run(START, b, transform(a, b)));
  });

  it('lack TP2: the insert / delete / insert puzzle (Sun et al. 1998) transforms a third operation differently along the two paths', () => {
    // On "abc": site 3 types x before b, site 2 deletes b, site 1 types y after b. Intention: "axyc".
    const x = ins(1, 'x', 3);
    const d = del(1, 2);
    const y = ins(2, 'y', 1);
    const alongXThenD = transform(transform(y, x), transform(d, x));
    const alongDThenX = transform(transform(y, d), transform(x, d));
    expect(run('abc', x, transform(d, x), alongXThenD)).toBe('axyc');
    // After the delete both inserts sit at position 1 and site priority puts y (site 1) first.
    expect(run('abc', d, transform(x, d), alongDThenX)).toBe('ayxc');
  });
});
