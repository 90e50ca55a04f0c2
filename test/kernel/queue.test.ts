import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { EventQueue } from '../../src/kernel/index.js';

interface Item { time: number; seq: number; label: number }

describe('the event queue', () => {
  it('pops simultaneous events in the order they were scheduled', () => {
    const queue = new EventQueue<Item>();
    for (let label = 0; label < 5; label++) queue.push({ time: 10, seq: 0, label });
    queue.push({ time: 5, seq: 0, label: 99 });
    const popped: number[] = [];
    for (let e = queue.pop(); e; e = queue.pop()) popped.push(e.label);
    expect(popped).toEqual([99, 0, 1, 2, 3, 4]);
  });

  test.prop([fc.array(fc.nat({ max: 50 }), { maxLength: 300 })])('pops every event in (time, insertion order) for any insertion sequence', (times) => {
    const queue = new EventQueue<Item>();
    times.forEach((time, label) => queue.push({ time, seq: 0, label }));
    const popped: Item[] = [];
    for (let e = queue.pop(); e; e = queue.pop()) popped.push(e);
    const expected = times.map((time, label) => ({ time, label })).sort((a, b) => a.time - b.time || a.label - b.label);
    expect(popped.map(({ time, label }) => ({ time, label }))).toEqual(expected);
  });

  test.prop([fc.array(fc.tuple(fc.boolean(), fc.nat({ max: 20 })), { maxLength: 200 })])('stays ordered when pushes and pops interleave', (ops) => {
    const queue = new EventQueue<Item>();
    let last = { time: -1, seq: -1 };
    let now = 0;
    ops.forEach(([isPush, delay], label) => {
      if (isPush) return queue.push({ time: now + delay, seq: 0, label });
      const e = queue.pop();
      if (!e) return;
      expect(e.time > last.time || (e.time === last.time && e.seq > last.seq)).toBe(true);
      last = e;
      now = e.time;
    });
  });
});
