import { describe, expect, it } from 'vitest';
import { Random } from '../../src/kernel/index.js';
import { boundedChoice, HashRing } from '../../src/designs/cdn/ring.js';

const edges = Array.from({ length: 8 }, (_, i) => `edge-${i + 1}`);
const keys = Array.from({ length: 2_000 }, (_, i) => `v${i + 1}`);

describe('consistent hashing', () => {
  const ring = new HashRing(edges);

  it('lists every edge once per key, the same list every time', () => {
    for (const key of keys.slice(0, 50)) {
      const order = ring.order(key);
      expect([...order].sort()).toEqual([...edges].sort());
      expect(ring.order(key)).toEqual(order);
    }
  });

  it('spreads keys over the edges within a factor of two of even', () => {
    const owned = new Map<string, number>();
    for (const key of keys) owned.set(ring.order(key)[0]!, (owned.get(ring.order(key)[0]!) ?? 0) + 1);
    for (const edge of edges) expect(owned.get(edge)! / (keys.length / edges.length)).toBeGreaterThan(0.5);
    for (const edge of edges) expect(owned.get(edge)! / (keys.length / edges.length)).toBeLessThan(2);
  });

  it('moves only the failed edge\'s keys when an edge leaves, each to its next edge on the ring', () => {
    const without = new HashRing(edges.filter((e) => e !== 'edge-3'));
    for (const key of keys) {
      const before = ring.order(key);
      const after = without.order(key)[0];
      expect(after).toBe(before[0] === 'edge-3' ? before[1] : before[0]);
    }
  });
});

describe('consistent hashing with bounded loads (Mirrokni, Thorup, Zadimoghaddam)', () => {
  const ring = new HashRing(edges);

  /** Places `count` balls drawn by `draw` one at a time, checking the bound after each. */
  function place(count: number, draw: () => string, epsilon: number) {
    const loads = new Map<string, number>();
    const breaches: string[] = [];
    for (let m = 1; m <= count; m++) {
      const bound = Math.ceil(((1 + epsilon) * m) / edges.length);
      const { edge, capacity } = boundedChoice(ring.order(draw()), loads, epsilon);
      if (capacity !== bound) breaches.push(`ball ${m}: capacity ${capacity}, not ${bound}`);
      loads.set(edge, (loads.get(edge) ?? 0) + 1);
      const busiest = Math.max(...loads.values());
      if (busiest > bound) breaches.push(`after ball ${m} an edge holds ${busiest} > ${bound}`);
    }
    expect(breaches).toEqual([]);
    return loads;
  }

  it('never lets an edge hold more than ceil((1 + ε) · average), for uniform keys and for ε of 0.1, 0.25 and 1', () => {
    const random = new Random('bounded-uniform');
    for (const epsilon of [0.1, 0.25, 1]) place(1_000, () => random.pick(keys), epsilon);
  });

  it('holds the bound when every ball has the same key (one video everyone watches), filling edges in ring order', () => {
    const loads = place(400, () => 'v1', 0.25);
    expect(Math.max(...loads.values())).toBe(Math.ceil((1.25 * 400) / edges.length));
    const order = ring.order('v1');
    expect(loads.get(order[0]!)).toBe(Math.ceil((1.25 * 400) / edges.length));
  });

  it('keeps a key on its own edge while that edge is below capacity, and walks on only past full ones', () => {
    const order = ring.order('v7');
    expect(boundedChoice(order, new Map(), 0.25)).toEqual({ edge: order[0], capacity: 1, skipped: 0 });
    const loads = new Map([[order[0]!, 2], [order[1]!, 2]]);
    expect(boundedChoice(order, loads, 0.25)).toEqual({ edge: order[2], capacity: 1, skipped: 2 });
  });
});
