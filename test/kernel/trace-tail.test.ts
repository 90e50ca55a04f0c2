import { describe, expect, it } from 'vitest';
import { TraceTail, type Fault, type TraceEvent } from '../../src/kernel/index.js';

const log = (t: number): TraceEvent => ({ t, kind: 'log', node: 'a', local: t, text: `event ${t}` });
const pause: Fault = { at: 2, kind: 'pause', node: 'a', duration: 5 };

describe('a trace tail', () => {
  it('keeps the last events in order, and every fault and recovery however early', () => {
    const tail = new TraceTail(3);
    const events: TraceEvent[] = [log(1), { t: 2, kind: 'fault', fault: pause }, log(3), { t: 7, kind: 'recover', fault: pause }, log(8), log(9), log(10)];
    for (const e of events) tail.push(e);
    expect(tail.events().map((e) => e.t)).toEqual([2, 7, 8, 9, 10]);
    expect(tail.count).toBe(7);
  });

  it('is the whole trace while it has fewer events than its size', () => {
    const tail = new TraceTail(10);
    [log(1), log(2)].forEach((e) => tail.push(e));
    expect(tail.events()).toEqual([log(1), log(2)]);
  });

  it('hands every event to its listener as it happens, for a trace streamed to a file', () => {
    const seen: number[] = [];
    const tail = new TraceTail(1, (e) => seen.push(e.t));
    [log(1), log(2), log(3)].forEach((e) => tail.push(e));
    expect(seen).toEqual([1, 2, 3]);
    expect(tail.events()).toEqual([log(3)]);
  });
});
