import { describe, expect, it } from 'vitest';
import { ms, seconds, Simulation, steerable, type Fault, type NodeModel } from '../../src/kernel/index.js';

/**
 * Per-message faults (turmoil's hold and release) and steering: what each does to the
 * messages matching its filter, and to a node's control actions.
 */
const latency = { latency: { min: ms(10), max: ms(10) } };

/** Sends `{ type, n }` to b at 100 ms, 200 ms, … for each type in turn; b records what it receives and when. */
function exchange(faults: Fault[], types: string[]): Array<{ t: number; from: string; body: unknown }> {
  const sim = new Simulation({ seed: 1, network: latency, duration: seconds(2) });
  const log: Array<{ t: number; from: string; body: unknown }> = [];
  sim.node('a', (ctx) => {
    types.forEach((type, n) => ctx.setTimer(ms(100 * (n + 1)), { type, n }));
    return { onTimer: (body) => ctx.send('b', body) };
  });
  sim.node('c', (ctx) => {
    ctx.setTimer(ms(150), { type: 'write', n: 'from c' });
    return { onTimer: (body) => ctx.send('b', body) };
  });
  sim.node('b', () => ({ onMessage: (body, envelope) => void log.push({ t: sim.trueTime, from: envelope.from, body }) }));
  sim.schedule(faults);
  sim.run(seconds(2));
  return log;
}

describe('per-message faults', () => {
  it('drop-messages loses the messages sent while it lasts that match from, to and type; the rest arrive', () => {
    const log = exchange([{ at: ms(50), kind: 'drop-messages', from: ['a'], types: ['write'], duration: ms(300) }], ['write', 'read', 'write', 'write']);
    // a's writes at 100 and 300 ms are lost; its read, c's write, and a's write after the fault arrive.
    expect(log.map((m) => [m.t, m.body])).toEqual([
      [ms(160), { type: 'write', n: 'from c' }],
      [ms(210), { type: 'read', n: 1 }],
      [ms(410), { type: 'write', n: 3 }],
    ]);
  });

  it('hold-messages keeps the matching messages until it ends, then releases them at once, in the order they were sent', () => {
    const log = exchange([{ at: ms(50), kind: 'hold-messages', to: ['b'], from: ['a'], duration: ms(500) }], ['one', 'two', 'three']);
    expect(log.map((m) => [m.t, m.body])).toEqual([
      [ms(160), { type: 'write', n: 'from c' }],
      [ms(550), { type: 'one', n: 0 }],
      [ms(550), { type: 'two', n: 1 }],
      [ms(550), { type: 'three', n: 2 }],
    ]);
  });

  it('hold-messages with release reversed delivers the last one sent first', () => {
    const log = exchange([{ at: ms(50), kind: 'hold-messages', from: ['a'], duration: ms(500), release: 'reversed' }], ['one', 'two', 'three']);
    expect(log.filter((m) => m.from === 'a').map((m) => (m.body as { type: string }).type)).toEqual(['three', 'two', 'one']);
  });
});

describe('steering', () => {
  it('a lasting action is taken at its start, taken again when the node restarts while it lasts, and ended at its end', () => {
    const sim = new Simulation({ seed: 1, duration: seconds(2) });
    const seen: Array<[number, string, boolean]> = [];
    const model: NodeModel = steerable(() => ({ onSteer: (action, active) => void seen.push([sim.trueTime, action, active]) }), { nap: 'lasting', wake: 'at-once' });
    sim.node('s', model);
    sim.schedule([
      { at: ms(100), kind: 'steer', node: 's', action: 'nap', duration: ms(500) },
      { at: ms(200), kind: 'crash', node: 's', restartAfter: ms(100) },
      { at: ms(700), kind: 'steer', node: 's', action: 'wake' },
    ]);
    sim.run(seconds(1));
    expect(seen).toEqual([[ms(100), 'nap', true], [ms(300), 'nap', true], [ms(600), 'nap', false], [ms(700), 'wake', true]]);
  });
});
