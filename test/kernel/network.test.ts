import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { ms, seconds, Simulation, type Fault, type NodeModel } from '../../src/kernel/index.js';

const nodes = ['a', 'b', 'c', 'd'];

/** Every node sends `ping` to every other node at each of `times`; the result is who heard whom, when. */
function exchange(faults: Fault[], times: number[], network = {}) {
  const sim = new Simulation({ seed: 1, network: { latency: { min: ms(1), max: ms(1) }, ...network } });
  const heard: Array<{ at: number; from: string; to: string }> = [];
  const model: NodeModel = (ctx) => {
    times.forEach((t, i) => ctx.setTimer(t, i));
    return {
      onTimer: () => nodes.filter((n) => n !== ctx.id).forEach((to) => ctx.send(to, 'ping')),
      onMessage: (_msg, envelope) => void heard.push({ at: envelope.sentAt, from: envelope.from, to: ctx.id }),
    };
  };
  for (const id of nodes) sim.node(id, model);
  sim.schedule(faults);
  sim.run(seconds(10));
  return (from: string, to: string, at: number) => heard.some((h) => h.from === from && h.to === to && h.at === at);
}

describe('the simulated network', () => {
  it('splits a full partition both ways, leaves unlisted nodes connected, and heals', () => {
    const heard = exchange([{ at: seconds(1), kind: 'partition', groups: [['a'], ['b', 'c']], duration: seconds(2) }], [seconds(2), seconds(4)]);
    expect(heard('a', 'b', seconds(2))).toBe(false);
    expect(heard('b', 'a', seconds(2))).toBe(false);
    expect(heard('b', 'c', seconds(2))).toBe(true);
    expect(heard('d', 'a', seconds(2))).toBe(true);
    expect(heard('a', 'd', seconds(2))).toBe(true);
    expect(heard('a', 'b', seconds(4))).toBe(true);
  });

  it('cuts only one direction in a one-way partition', () => {
    const heard = exchange([{ at: 0, kind: 'partition-oneway', from: ['a'], to: ['b'], duration: seconds(5) }], [seconds(1)]);
    expect(heard('a', 'b', seconds(1))).toBe(false);
    expect(heard('b', 'a', seconds(1))).toBe(true);
  });

  it('lets the bridge node reach both sides of a bridge partition', () => {
    const heard = exchange([{ at: 0, kind: 'partition-bridge', left: ['a'], right: ['b'], bridge: 'c', duration: seconds(5) }], [seconds(1)]);
    expect(heard('a', 'b', seconds(1))).toBe(false);
    expect(heard('b', 'a', seconds(1))).toBe(false);
    for (const side of ['a', 'b']) {
      expect(heard(side, 'c', seconds(1))).toBe(true);
      expect(heard('c', side, seconds(1))).toBe(true);
    }
  });

  it('keeps a link cut while any of two overlapping partitions still cuts it', () => {
    const heard = exchange(
      [
        { at: 0, kind: 'partition', groups: [['a'], ['b']], duration: seconds(2) },
        { at: seconds(1), kind: 'partition', groups: [['a'], ['b']], duration: seconds(3) },
      ],
      [seconds(3), seconds(5)],
    );
    expect(heard('a', 'b', seconds(3))).toBe(false);
    expect(heard('a', 'b', seconds(5))).toBe(true);
  });

  it('loses every message at loss 1 and delivers every message twice at duplicate 1', () => {
    let delivered = 0;
    const count = (network: object) => {
      delivered = 0;
      const sim = new Simulation({ seed: 3, network });
      sim.node('a', (ctx) => void [1, 2, 3].forEach((n) => ctx.send('b', n)));
      sim.node('b', () => ({ onMessage: () => void delivered++ }));
      sim.run(seconds(1));
      return delivered;
    };
    expect(count({ loss: 1 })).toBe(0);
    expect(count({ duplicate: 1 })).toBe(6);
  });

  it('reorders messages when latency varies', () => {
    const sim = new Simulation({ seed: 5, network: { latency: { min: ms(1), max: ms(50) } } });
    const order: number[] = [];
    sim.node('a', (ctx) => void Array.from({ length: 20 }, (_, i) => ctx.send('b', i)));
    sim.node('b', () => ({ onMessage: (n: number) => void order.push(n) }));
    sim.run(seconds(1));
    expect(order).toHaveLength(20);
    expect(order).not.toEqual([...order].sort((x, y) => x - y));
  });

  test.prop([
    fc.array(
      fc.record({ at: fc.nat({ max: 3_000_000 }), duration: fc.integer({ min: 1, max: 3_000_000 }), cut: fc.integer({ min: 1, max: 3 }), oneWay: fc.boolean() }),
      { maxLength: 6 },
    ),
  ])('delivers every message sent after the last partition has healed', (cuts) => {
    const faults: Fault[] = cuts.map(({ at, duration, cut, oneWay }) =>
      oneWay
        ? { at, kind: 'partition-oneway', from: nodes.slice(0, cut), to: nodes.slice(cut), duration }
        : { at, kind: 'partition', groups: [nodes.slice(0, cut), nodes.slice(cut)], duration },
    );
    const heard = exchange(faults, [seconds(7)]);
    for (const from of nodes) for (const to of nodes) if (from !== to) expect(heard(from, to, seconds(7))).toBe(true);
  });
});
