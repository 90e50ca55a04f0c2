import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { defineScenario, ms, Random, runScenario, seconds, swarmMix, swarmThin, type FaultMix, type NodeModel } from '../../src/kernel/index.js';

const mix: FaultMix = {
  count: [2, 10],
  window: [seconds(1), seconds(9)],
  weights: { pause: 3, crash: 1, 'clock-jump': 1, partition: 1 },
  nodes: ['a', 'b', 'c'],
  duration: [ms(100), seconds(2)],
  maxJump: seconds(1),
};

describe('swarm testing', () => {
  test.prop([fc.integer({ min: 0, max: 1e9 })])('each seed enables a non-empty subset of the kinds, and narrows counts and durations to part of the fixed ranges', (seed) => {
    const drawn = swarmMix(new Random(String(seed)), mix);
    const kinds = Object.keys(drawn.weights);
    expect(kinds.length).toBeGreaterThan(0);
    for (const kind of kinds) expect(drawn.weights[kind as keyof typeof drawn.weights]).toBe(mix.weights[kind as keyof typeof mix.weights]);
    expect(drawn.count[0]).toBeGreaterThanOrEqual(2);
    expect(drawn.count[0]).toBeLessThanOrEqual(drawn.count[1]);
    expect(drawn.count[1]).toBeLessThanOrEqual(10);
    expect(drawn.duration[0]).toBeGreaterThanOrEqual(ms(100));
    expect(drawn.duration[0]).toBeLessThanOrEqual(drawn.duration[1]);
    expect(drawn.duration[1]).toBeLessThanOrEqual(seconds(2));
  });

  test('over many seeds, every kind is sometimes on and sometimes off', () => {
    const on = new Map<string, number>();
    for (let seed = 0; seed < 200; seed++) for (const kind of Object.keys(swarmMix(new Random(String(seed)), mix).weights)) on.set(kind, (on.get(kind) ?? 0) + 1);
    for (const kind of Object.keys(mix.weights)) {
      expect(on.get(kind)).toBeGreaterThan(40);
      expect(on.get(kind)).toBeLessThan(180);
    }
  });

  test('over a scripted schedule, it keeps a subset of the faults, in order', () => {
    const faults = [
      { at: 1, kind: 'pause', node: 'a', duration: 5 },
      { at: 2, kind: 'crash', node: 'b' },
      { at: 3, kind: 'pause', node: 'c', duration: 5 },
    ] as const;
    for (let seed = 0; seed < 50; seed++) {
      const kept = swarmThin(new Random(String(seed)), [...faults]);
      expect(faults.filter((f) => kept.includes(f))).toEqual(kept);
    }
    expect(swarmThin(new Random('x'), [])).toEqual([]);
  });

  const idle: NodeModel = () => ({});
  const mixed = defineScenario({
    description: 'three idle nodes under a fault mix',
    expect: 'safe',
    duration: seconds(10),
    build(world) {
      for (const id of ['a', 'b', 'c']) world.node(id, idle);
    },
    faultMix: mix,
  });

  test('a scenario with a fault mix draws its schedule from the seed; swarm draws a different, smaller-mix one, both repeatable', () => {
    const fixed = runScenario(mixed, 3).faults;
    expect(fixed.length).toBeGreaterThanOrEqual(2);
    expect(runScenario(mixed, 3).faults).toEqual(fixed);
    const swarmed = runScenario(mixed, 3, { swarm: true }).faults;
    expect(runScenario(mixed, 3, { swarm: true }).faults).toEqual(swarmed);
    const kindsPerSeed = Array.from({ length: 30 }, (_, seed) => new Set(runScenario(mixed, seed, { swarm: true }).faults.map((f) => f.kind)).size);
    expect(Math.min(...kindsPerSeed)).toBe(1);
  });

  test('a scenario gives either scripted faults or a fault mix, not both', () => {
    expect(() => defineScenario({ description: 'x', expect: 'safe', duration: 1, build() {}, faults: () => [], faultMix: mix })).toThrow(/either faults or faultMix/);
  });
});

describe('scenario params', () => {
  const sized = defineScenario({
    description: 'n idle nodes',
    expect: 'safe',
    duration: seconds(1),
    params: { nodes: { default: 3, shrinkTo: 1 } },
    build(world, params) {
      for (let i = 0; i < params.nodes; i++) world.node(`n${i}`, () => ({}));
    },
    faults: (_random, world) => world.nodeIds.map((node, i) => ({ at: i, kind: 'pause' as const, node, duration: 1 })),
  });

  test('build receives the defaults, or the overrides of a replay', () => {
    expect(runScenario(sized, 1).faults).toHaveLength(3);
    expect(runScenario(sized, 1, { params: { nodes: 5 } }).faults).toHaveLength(5);
  });

  test('an override of a param the scenario does not have is a configuration error naming the ones it has', () => {
    expect(() => runScenario(sized, 1, { params: { clients: 2 } })).toThrow("the scenario has no param 'clients' (it has nodes)");
  });

  test('a bad param declaration is rejected when the scenario is defined', () => {
    expect(() => defineScenario({ description: 'x', expect: 'safe', duration: 1, params: { n: { default: 2, shrinkTo: 5 } }, build() {} })).toThrow(/shrinkTo must be an integer between 0 and the default/);
  });
});
