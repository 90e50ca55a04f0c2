import { describe, expect, it } from 'vitest';
import type { TraceEvent } from '../../src/kernel/index.js';
import { causalSlice } from '../../src/report/index.js';

// Client a asks lock b for a grant; b grants it, is paused, then tells a something
// (one copy lost); a writes: the violation cites b's grant and a's write by their
// times. c and d talk among themselves, and d is paused: none of that can have led
// to the violation.
const pauseB = { at: 30, kind: 'pause', node: 'b', duration: 10 } as const;
const pauseD = { at: 35, kind: 'pause', node: 'd', duration: 10 } as const;
const trace: TraceEvent[] = [
  /* 0 */ { t: 5, kind: 'log', node: 'a', local: 5, text: 'booted' },
  /* 1 */ { t: 10, kind: 'timer', node: 'a', local: 10, timer: 'work' },
  /* 2 */ { t: 10, kind: 'fact', node: 'a', local: 10, fact: 'asked', data: {} },
  /* 3 */ { t: 20, kind: 'deliver', node: 'b', local: 20, from: 'a', id: 1, sentAt: 10, msg: { op: 'acquire' } },
  /* 4 */ { t: 20, kind: 'fact', node: 'b', local: 20, fact: 'granted', data: { to: 'a' } },
  /* 5 */ { t: 25, kind: 'deliver', node: 'd', local: 25, from: 'c', id: 2, sentAt: 15, msg: { op: 'chat' } },
  /* 6 */ { t: 30, kind: 'fault', fault: pauseB },
  /* 7 */ { t: 35, kind: 'fault', fault: pauseD },
  /* 8 */ { t: 40, kind: 'recover', fault: pauseB },
  /* 9 */ { t: 45, kind: 'recover', fault: pauseD },
  /* 10 */ { t: 48, kind: 'timer', node: 'b', local: 48, timer: 'tell' },
  /* 11 */ { t: 49, kind: 'drop', node: 'a', from: 'b', id: 3, sentAt: 48, reason: 'loss', msg: { op: 'told' } },
  /* 12 */ { t: 50, kind: 'deliver', node: 'a', local: 50, from: 'b', id: 4, sentAt: 48, msg: { op: 'told' } },
  /* 13 */ { t: 52, kind: 'drop', node: 'c', from: 'd', id: 5, sentAt: 51, reason: 'loss', msg: { op: 'chat' } },
  /* 14 */ { t: 60, kind: 'timer', node: 'a', local: 60, timer: 'write' },
  /* 15 */ { t: 60, kind: 'fact', node: 'a', local: 60, fact: 'wrote', data: {} },
  /* 16 */ { t: 60, kind: 'violation', property: 'p', message: 'a wrote at 0.000060s while b granted at 0.000020s', nodes: ['a', 'b'] },
  /* 17 */ { t: 60, kind: 'end', reason: 'violation' },
];

describe('the causal slice of a violation', () => {
  const slice = causalSlice(trace)!;

  it('starts from the facts the violation cites: the one that raised it and the grant it compares it with', () => {
    expect(slice.seeds).toEqual([4, 15]);
  });

  it('follows each node back in its own order, and a delivery back to its sending, down to the horizon', () => {
    // b's grant came from a's request (sent at 10 by a's timer): the horizon is 10.
    expect(slice.horizon).toBe(10);
    for (const i of [1, 2, 3, 4, 10, 12, 14, 15, 16]) expect(slice.events, `event ${i}`).toContain(i);
    // a's log line at 5 is before the horizon; c and d never reached a or b.
    expect(slice.events).not.toContain(0);
    expect(slice.events).not.toContain(5);
  });

  it('keeps the faults that touched a node of the slice, with their end, and no other', () => {
    expect(slice.events).toEqual(expect.arrayContaining([6, 8]));
    expect(slice.events).not.toContain(7);
    expect(slice.events).not.toContain(9);
  });

  it('keeps a message the slice sent to a node of the slice and lost, not one lost between others', () => {
    expect(slice.events).toContain(11);
    expect(slice.events).not.toContain(13);
  });

  it('spans from its earliest event to the violation, in trace order', () => {
    expect(slice.events).toEqual([...slice.events].sort((a, b) => a - b));
    expect(slice.events.at(-1)).toBe(16);
    expect([slice.from, slice.to]).toEqual([10, 60]);
  });

  it('without cited times, starts from the last fact of each node the violation names', () => {
    const uncited = trace.map((e) => (e.kind === 'violation' ? { ...e, message: 'a wrote while b granted' } : e));
    expect(causalSlice(uncited)!.seeds).toEqual([4, 15]);
  });

  it('for a property judged at the end, starts from the facts at the time it says things went wrong', () => {
    const judgedLater: TraceEvent[] = [
      ...trace.slice(0, 16),
      { t: 90, kind: 'timer', node: 'c', local: 90, timer: 'late' },
      { t: 100, kind: 'violation', property: 'p', message: 'something was lost', nodes: [] },
    ];
    const late = causalSlice(judgedLater, 20)!;
    expect(late.seeds).toEqual([4]);
    // The grant's past, b's pause while the slice unfolded, and the violation: not a's later write.
    expect(late.events).toEqual([1, 2, 3, 4, 6, 8, 17]);
  });

  it('is undefined for a run without a violation', () => {
    expect(causalSlice(trace.slice(0, 15))).toBeUndefined();
  });
});
