import { describe, expect, it } from 'vitest';
import {
  ConfigError, defineScenario, describeFault, drawFaults, DRAWN_KINDS, faultEnd, faultMixProblem, faultNodes, faultScheduleProblem,
  MAX_CLOCK_JUMP, milderFields, ms, RandomSource, runScenario, seconds, validateFaultMix, validateFaults,
  type Fault, type FaultMix,
} from '../../src/kernel/index.js';

const nodes = ['a', 'b', 'c'];
const day = seconds(24 * 60 * 60);

/** One fault of every kind, each at an edge of its ranges. */
const valid: Array<[string, Fault]> = [
  ['a partition in two', { at: 0, kind: 'partition', groups: [['a'], ['b', 'c']], duration: ms(5) }],
  ['a partition in three', { at: 1, kind: 'partition', groups: [['a'], ['b'], ['c']], duration: 0 }],
  ['a one-way partition', { at: 2, kind: 'partition-oneway', from: ['a'], to: ['b', 'c'], duration: ms(5) }],
  ['a bridge partition', { at: 3, kind: 'partition-bridge', left: ['a'], right: ['b'], bridge: 'c', duration: ms(5) }],
  ['a degradation at the ends of [0, 1]', { at: 4, kind: 'degrade', loss: 0, duplicate: 1, reorder: 0.25, duration: ms(5) }],
  ['a pause', { at: 5, kind: 'pause', node: 'a', duration: ms(5) }],
  ['a crash that restarts', { at: 6, kind: 'crash', node: 'b', restartAfter: ms(5) }],
  ['a crash that stays down', { at: 7, kind: 'crash', node: 'b' }],
  ['a clock jump of a day back', { at: 8, kind: 'clock-jump', node: 'c', delta: -day }],
  ['a clock jump of a day forward', { at: 8, kind: 'clock-jump', node: 'c', delta: day }],
  ['the fastest drift', { at: 9, kind: 'clock-drift', node: 'a', ppm: 999_999 }],
  ['the slowest drift', { at: 9, kind: 'clock-drift', node: 'a', ppm: -999_999 }],
  ['a power loss on two machines', { at: 10, kind: 'power-loss', nodes: ['a', 'b'], lost: 1, restartAfter: ms(5) }],
  ['a power loss that stays down and loses nothing unsynced', { at: 10, kind: 'power-loss', nodes: ['c'], lost: 0 }],
];

/** Faults that are not, and what the message must say: the fault's number and kind, the field and its range. */
const invalid: Array<[string, unknown, RegExp]> = [
  ['an unknown kind', { at: 0, kind: 'meteor' }, /fault 1: unknown kind "meteor" \(kinds: partition, partition-oneway, partition-bridge, degrade, pause, crash, clock-jump, clock-drift, power-loss, drop-messages, hold-messages, steer\)/],
  ['no kind', { at: 0 }, /fault 1: unknown kind none \(kinds: /],
  ['not an object', 42, /fault 1: must be an object/],
  ['a negative time', { at: -5, kind: 'crash', node: 'a' }, /fault 1: "at" must be a non-negative integer \(microseconds of true time\); it is -5/],
  ['a fractional time', { at: 1.5, kind: 'crash', node: 'a' }, /"at" must be a non-negative integer.*it is 1\.5/],
  ['no time', { kind: 'crash', node: 'a' }, /"at" must be a non-negative integer.*it is none/],
  ['a pause without a duration', { at: 0, kind: 'pause', node: 'a' }, /fault 1: a pause fault needs a "duration": an integer number of microseconds, 0 or more; it has none/],
  ['a pause of negative duration', { at: 0, kind: 'pause', node: 'a', duration: -1 }, /a pause fault needs a "duration": .*0 or more; it has -1/],
  ['a partition of fractional duration', { at: 0, kind: 'partition', groups: [['a'], ['b']], duration: 0.5 }, /a partition fault needs a "duration".*it has 0\.5/],
  ['a partition without groups', { at: 0, kind: 'partition', duration: 5 }, /a partition fault needs a "groups": two or more non-empty lists of node names; it has none/],
  ['a partition with one group', { at: 0, kind: 'partition', groups: [['a', 'b']], duration: 5 }, /"groups": two or more non-empty lists.*it has \[\["a","b"\]\]/],
  ['a partition with an empty side', { at: 0, kind: 'partition', groups: [['a'], []], duration: 5 }, /"groups": two or more non-empty lists/],
  ['a one-way partition from nobody', { at: 0, kind: 'partition-oneway', from: [], to: ['a'], duration: 5 }, /a partition-oneway fault needs a "from": a non-empty list of node names; it has \[\]/],
  ['a bridge partition without its bridge', { at: 0, kind: 'partition-bridge', left: ['a'], right: ['b'], duration: 5 }, /a partition-bridge fault needs a "bridge": the name of a node; it has none/],
  ['a loss over 1', { at: 0, kind: 'degrade', loss: 1.5, duplicate: 0, reorder: 0, duration: 5 }, /a degrade fault needs a "loss": a number from 0 to 1; it has 1\.5/],
  ['a negative duplication', { at: 0, kind: 'degrade', loss: 0, duplicate: -0.1, reorder: 0, duration: 5 }, /"duplicate": a number from 0 to 1; it has -0\.1/],
  ['a missing reorder share', { at: 0, kind: 'degrade', loss: 0, duplicate: 0, duration: 5 }, /"reorder": a number from 0 to 1; it has none/],
  ['a crash restarting before it happens', { at: 0, kind: 'crash', node: 'a', restartAfter: -1 }, /a crash fault needs a "restartAfter": an integer number of microseconds, 0 or more, or none; it has -1/],
  ['a misspelt field', { at: 0, kind: 'crash', node: 'a', restartafter: 5 }, /a crash fault has no field "restartafter" \(its fields: at, kind, node, restartAfter\)/],
  ['a clock jump of over a day', { at: 0, kind: 'clock-jump', node: 'a', delta: day + 1 }, new RegExp(`"delta": an integer number of microseconds from -${MAX_CLOCK_JUMP} to ${MAX_CLOCK_JUMP} \\(a day either way\\); it has ${day + 1}`)],
  ['a fractional clock jump', { at: 0, kind: 'clock-jump', node: 'a', delta: 0.5 }, /a clock-jump fault needs a "delta"/],
  ['a clock that stands still', { at: 0, kind: 'clock-drift', node: 'a', ppm: -1_000_000 }, /a clock-drift fault needs a "ppm": an integer from -999999 to 999999; it has -1000000/],
  ['a fractional drift', { at: 0, kind: 'clock-drift', node: 'a', ppm: 0.5 }, /"ppm": an integer from/],
  ['a power loss losing more than all', { at: 0, kind: 'power-loss', nodes: ['a'], lost: 2 }, /a power-loss fault needs a "lost": a number from 0 to 1; it has 2/],
  ['a node the scenario lacks', { at: 0, kind: 'pause', node: 'ghost', duration: 5 }, /fault 1: a pause fault names node 'ghost', which the scenario does not have \(it has a, b, c\)/],
  ['a partition naming a node the scenario lacks', { at: 0, kind: 'partition', groups: [['a'], ['ghost']], duration: 5 }, /a partition fault names node 'ghost'/],
  ['a bridge the scenario lacks', { at: 0, kind: 'partition-bridge', left: ['a'], right: ['b'], bridge: 'ghost', duration: 5 }, /names node 'ghost'/],
];

describe('validating a fault schedule', () => {
  it.each(valid)('accepts %s', (_, fault) => {
    expect(faultScheduleProblem([fault], nodes)).toBeUndefined();
    expect(() => validateFaults([fault], nodes)).not.toThrow();
  });

  it.each(invalid)('rejects %s, saying which fault, which field and what it may be', (_, fault, message) => {
    expect(() => validateFaults([fault], nodes)).toThrow(ConfigError);
    expect(() => validateFaults([fault], nodes)).toThrow(message);
  });

  it('numbers the bad fault from 1, in the order of the list', () => {
    expect(faultScheduleProblem([valid[0]![1], { at: 0, kind: 'pause', node: 'a' }], nodes)).toMatch(/^fault 2: a pause fault/);
  });

  it.each([
    ['a string', 'pause a'],
    ['an object', { at: 0, kind: 'pause', node: 'a', duration: 5 }],
    ['nothing', undefined],
  ])('rejects a schedule that is %s rather than a list', (_, schedule) => {
    expect(() => validateFaults(schedule, nodes)).toThrow(/a fault schedule is a list of faults, not /);
  });

  it('checks node names only when it knows the scenario\'s nodes (a replay file is checked before its scenario is loaded)', () => {
    const ghostly = { at: 0, kind: 'pause', node: 'ghost', duration: 5 };
    expect(faultScheduleProblem([ghostly])).toBeUndefined();
    expect(faultScheduleProblem([ghostly], nodes)).toMatch(/ghost/);
  });

  it('is what Simulation.schedule and runScenario enforce: a scenario whose faults() is not a list fails with a ConfigError', () => {
    const broken = defineScenario({
      description: 'faults() returns one fault, not a list of them',
      expect: 'safe',
      duration: seconds(1),
      build: (world) => world.node('a', () => ({})),
      faults: () => ({ at: 0, kind: 'crash', node: 'a' }) as unknown as Fault[],
    });
    expect(() => runScenario(broken, 1)).toThrow(ConfigError);
    expect(() => runScenario(broken, 1, { faults: [{ at: 0, kind: 'pause', node: 'b', duration: 5 }] })).toThrow(/fault 1: a pause fault names node 'b'/);
  });
});

const mix: FaultMix = {
  count: [2, 6],
  window: [0, seconds(10)],
  weights: Object.fromEntries(DRAWN_KINDS.map((k) => [k, 1])),
  nodes: ['a', 'b', 'c'],
  duration: [ms(10), ms(900)],
};

const invalidMixes: Array<[string, unknown, RegExp]> = [
  ['not an object', [mix], /it must be an object \{ count, window, weights, nodes, duration \}/],
  ['a misspelt field', { ...mix, weight: {} }, /it has no field "weight" \(its fields: count, window, weights, nodes, partitionable, duration, maxJump, maxDriftPpm\)/],
  ['a reversed count', { ...mix, count: [6, 2] }, /"count" must be \[least, most\]: integers with 0 <= least <= most; it is \[6,2\]/],
  ['a negative count', { ...mix, count: [-1, 2] }, /"count" must be \[least, most\]/],
  ['a reversed window', { ...mix, window: [seconds(10), 0] }, /"window" must be \[least, most\]: integers with 0 <= least <= most \(microseconds\)/],
  ['a reversed duration', { ...mix, duration: [ms(900), ms(10)] }, /"duration" must be \[least, most\]/],
  ['a fractional duration', { ...mix, duration: [0.5, 10] }, /"duration" must be \[least, most\]/],
  ['an unknown kind', { ...mix, weights: { pause: 1, meteor: 2 } }, /"weights" has an unknown kind "meteor" \(kinds: partition, partition-oneway, /],
  ['a negative weight', { ...mix, weights: { pause: -1 } }, /"weights.pause" must be a number, 0 or more; it is -1/],
  ['a weight that is not a number', { ...mix, weights: { pause: '2' } }, /"weights.pause" must be a number, 0 or more; it is "2"/],
  ['no nodes for a kind that needs one', { ...mix, nodes: [], weights: { degrade: 1, pause: 1 } }, /a pause fault needs a node from "nodes", which is empty: list the nodes it may hit, or give pause weight 0/],
  ['a node the scenario lacks', { ...mix, nodes: ['a', 'ghost'] }, /"nodes" names node 'ghost', which the scenario does not have \(it has a, b, c\)/],
  ['a partitionable node the scenario lacks', { ...mix, partitionable: ['ghost'] }, /"partitionable" names node 'ghost'/],
  ['too few nodes to partition', { ...mix, partitionable: ['a'] }, /a partition fault splits 2 or more nodes, but "partitionable" has 1/],
  ['too few nodes to bridge', { ...mix, weights: { 'partition-bridge': 1 }, nodes: ['a', 'b'] }, /a partition-bridge fault splits 3 or more nodes, but "nodes" has 2/],
  ['a clock jump of over a day', { ...mix, maxJump: day + 1 }, /"maxJump" must be an integer number of microseconds from 0 to 86400000000 \(a day\)/],
  ['clock jumps as long as durations of over a day', { ...mix, duration: [0, day + 1] }, /a clock-jump fault steps by up to "maxJump", or the longest "duration" without it, which is over a day/],
  ['a clock that stands still', { ...mix, maxDriftPpm: 1_000_000 }, /"maxDriftPpm" must be an integer from 0 to 999999/],
];

describe('validating a fault mix', () => {
  it.each([
    ['every kind', mix],
    ['only the network degraded, with no nodes to hit', { ...mix, nodes: [], weights: { degrade: 1 } }],
    ['kinds left out at weight 0', { ...mix, nodes: [], weights: { degrade: 1, pause: 0 } }],
    ['its own partitionable nodes and bounds', { ...mix, partitionable: ['a', 'b', 'c'], maxJump: day, maxDriftPpm: 999_999 }],
  ])('accepts a mix with %s', (_, candidate) => {
    expect(faultMixProblem(candidate, nodes)).toBeUndefined();
  });

  it.each(invalidMixes)('rejects a mix with %s, saying what the field may be', (_, candidate, message) => {
    expect(() => validateFaultMix(candidate, nodes)).toThrow(ConfigError);
    expect(() => validateFaultMix(candidate, nodes)).toThrow(message);
  });

  it('is what runScenario enforces on a scenario\'s faultMix', () => {
    const broken = defineScenario({
      description: 'a mix naming a node the system does not have',
      expect: 'safe',
      duration: seconds(1),
      build: (world) => world.node('a', () => ({})),
      faultMix: { ...mix, nodes: ['a', 'b'] },
    });
    expect(() => runScenario(broken, 1)).toThrow(/invalid faultMix: "nodes" names node 'b'/);
  });
});

describe('the fault table', () => {
  const drawn = Array.from({ length: 40 }, (_, seed) => drawFaults(new RandomSource(seed).stream('faults'), mix)).flat();

  it('draws every kind, and only faults its own validation accepts', () => {
    expect(new Set(drawn.map((f) => f.kind))).toEqual(new Set(DRAWN_KINDS));
    expect(faultScheduleProblem(drawn, nodes)).toBeUndefined();
  });

  it('makes faults milder only within their ranges: zero for shares, smaller magnitudes for durations and clock faults', () => {
    for (const fault of drawn) {
      for (const { field, milder, value } of milderFields(fault)) {
        const mildest = milder === 'zero' ? 0 : Math.sign(value);
        expect(faultScheduleProblem([{ ...fault, [field]: mildest }], nodes), `${describeFault(fault)}: ${field}`).toBeUndefined();
      }
    }
  });

  it.each<[Fault, number | undefined, string[], string]>([
    [{ at: 10, kind: 'partition', groups: [['a'], ['b', 'c']], duration: 5 }, 15, ['a', 'b', 'c'], 'partition [a] | [b c] for 5µs'],
    [{ at: 10, kind: 'partition-oneway', from: ['a'], to: ['b'], duration: ms(2) }, 2010, ['a', 'b'], 'one-way partition [a] -/-> [b] for 2ms'],
    [{ at: 10, kind: 'partition-bridge', left: ['a'], right: ['b'], bridge: 'c', duration: 5 }, 15, ['a', 'b', 'c'], 'bridge partition [a] | [b] via c for 5µs'],
    [{ at: 10, kind: 'degrade', loss: 0.1, duplicate: 0.2, reorder: 0.3, duration: seconds(1.5) }, 1_500_010, [], 'network degraded (loss 10%, duplicate 20%, reorder 30%) for 1.5s'],
    [{ at: 10, kind: 'pause', node: 'a', duration: 5 }, 15, ['a'], 'pause a for 5µs (stop-the-world)'],
    [{ at: 10, kind: 'crash', node: 'a', restartAfter: 5 }, 15, ['a'], 'crash a, restart after 5µs'],
    [{ at: 10, kind: 'crash', node: 'a' }, undefined, ['a'], 'crash a (stays down)'],
    [{ at: 10, kind: 'clock-jump', node: 'a', delta: ms(-250) }, 10, ['a'], 'clock of a jumps -250ms'],
    [{ at: 10, kind: 'clock-drift', node: 'a', ppm: 50 }, 10, ['a'], 'clock of a drifts +50ppm'],
  ])('knows when %j ends, which nodes it names, and how it reads', (fault, end, named, text) => {
    expect(faultEnd(fault)).toBe(end);
    expect(faultNodes(fault)).toEqual(named);
    expect(describeFault(fault)).toBe(text);
  });
});
