import { describe, expect, it } from 'vitest';
import { Random } from '../../src/kernel/index.js';
import { parseSplitNodeId } from '../../src/designs/snowflake/id.js';
import { birthdayCollisionChance, macHashNodeId, macHashNodeIds, podOrdinalNodeIds, staticNodeIds } from '../../src/designs/snowflake/node-ids.js';

describe('node ids from MAC hashes', () => {
  it('hashes a MAC with FNV-1a to 10 bits, the same every time', () => {
    const mac = [0x00, 0x1b, 0x44, 0x11, 0x3a, 0xb7];
    expect(macHashNodeId(mac)).toBe(macHashNodeId([...mac]));
    expect(macHashNodeId(mac)).toBeGreaterThanOrEqual(0);
    expect(macHashNodeId(mac)).toBeLessThan(1024);
    expect(macHashNodeId([0, 0, 0, 0, 0, 1])).not.toBe(macHashNodeId([0, 0, 0, 0, 0, 2]));
  });

  it.each([8, 32, 100])('collides at the birthday rate: %i nodes, over 2,000 fleets of random MACs', (nodes) => {
    const fleets = 2000;
    let collided = 0;
    for (let fleet = 0; fleet < fleets; fleet++) {
      const ids = macHashNodeIds(new Random(`mac-test/${nodes}/${fleet}`), nodes).map((n) => n.nodeId);
      if (new Set(ids).size < ids.length) collided++;
    }
    const expected = birthdayCollisionChance(nodes);
    const sd = Math.sqrt((expected * (1 - expected)) / fleets);
    expect(Math.abs(collided / fleets - expected)).toBeLessThan(4 * sd + 0.002);
  });

  it('gives the birthday chance itself: 2.7% for 8 nodes, 38.7% for 32, 99.3% for 100', () => {
    expect(birthdayCollisionChance(8)).toBeCloseTo(0.027, 3);
    expect(birthdayCollisionChance(32)).toBeCloseTo(0.387, 3);
    expect(birthdayCollisionChance(100)).toBeCloseTo(0.9933, 3);
    expect(birthdayCollisionChance(1025)).toBe(1);
  });
});

describe('node ids from pod ordinals', () => {
  it('give ordinal n of every cluster the same id n: two clusters collide by construction', () => {
    const ids = podOrdinalNodeIds(['east', 'west'], 3, false);
    expect(ids).toEqual([
      { name: 'east-0', nodeId: 0 }, { name: 'east-1', nodeId: 1 }, { name: 'east-2', nodeId: 2 },
      { name: 'west-0', nodeId: 0 }, { name: 'west-1', nodeId: 1 }, { name: 'west-2', nodeId: 2 },
    ]);
  });

  it('with the datacenter split (5 bits datacenter, 5 bits machine) do not collide', () => {
    const ids = podOrdinalNodeIds(['east', 'west'], 32, true);
    expect(new Set(ids.map((n) => n.nodeId)).size).toBe(64);
    expect(parseSplitNodeId(ids.find((n) => n.name === 'west-7')!.nodeId)).toEqual({ datacenter: 1, machine: 7 });
  });

  it('refuse more pods or datacenters than the bits hold', () => {
    expect(() => podOrdinalNodeIds(['east'], 33, true)).toThrow(/1 to 32 pods per cluster/);
    expect(() => podOrdinalNodeIds(Array.from({ length: 33 }, (_, i) => `dc${i}`), 1, true)).toThrow(/room for 32 datacenters/);
  });
});

describe('static node ids', () => {
  it('number the nodes from 1', () => {
    expect(staticNodeIds(3)).toEqual([{ name: 'snowflake-1', nodeId: 1 }, { name: 'snowflake-2', nodeId: 2 }, { name: 'snowflake-3', nodeId: 3 }]);
  });
});
