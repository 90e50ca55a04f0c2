import { describe, expect, it } from 'vitest';
import { defineScenario, judge, ms, RandomSource, runScenario, seconds, Simulation, type Fact, type Scenario } from '../../src/kernel/index.js';
import { parseId } from '../../src/designs/snowflake/id.js';
import { snowflakeNode } from '../../src/designs/snowflake/node.js';
import { macHashNodeIds } from '../../src/designs/snowflake/node-ids.js';
import { STUDY_POLICIES, STUDY_STEPS } from '../../src/designs/snowflake/study.js';
import { buildSnowflake, type SnowflakeSystemOptions } from '../../src/designs/snowflake/system.js';
import study from '../../scenarios/snowflake-backwards-study.js';
import corrected from '../../scenarios/snowflake-corrected.js';
import numberPort, { numberPortSystem } from '../../scenarios/snowflake-number-port.js';
import podOrdinal, { podOrdinalSystem } from '../../scenarios/snowflake-pod-ordinal.js';
import restartBackwards, { restartBackwardsSystem } from '../../scenarios/snowflake-restart-backwards.js';
import skewSorting from '../../scenarios/snowflake-skew-sorting.js';

const seeds = (n: number, from = 1) => Array.from({ length: n }, (_, i) => from + i);

describe.each<[string, Scenario, number]>([
  ['snowflake-restart-backwards', restartBackwards, 12],
  ['snowflake-pod-ordinal', podOrdinal, 5],
  ['snowflake-number-port', numberPort, 5],
  ['snowflake-skew-sorting', skewSorting, 5],
  ['snowflake-corrected', corrected, 30],
])('%s', (_name, scenario, count) => {
  it('meets its expectation over its first seeds, and fails in no other way', () => {
    const verdict = judge(scenario, seeds(count).map((seed) => runScenario(scenario, seed)));
    expect(verdict.matches, verdict.summary).toBe(true);
  });

  it('prints a one-line summary of each run', () => {
    expect(runScenario(scenario, 3).summary).toMatch(
      /^IDs issued \d+ by \d+ nodes \(at most \d+ by one node in one ms of its clock\), refused \d+; refusals and waits (none|\d+, longest .+, .+ in all); sequence exhausted \d+, waits for a clock behind \d+; node-id leases \d+$/,
    );
  });
});

/** The first run of seeds 1..limit that violates a property. */
function firstViolation(scenario: Scenario, limit: number) {
  for (let seed = 1; seed <= limit; seed++) {
    const run = runScenario(scenario, seed);
    if (run.violation) return run;
  }
  throw new Error(`no violation in seeds 1..${limit}`);
}

/** The scenario with its system changed. */
const variant = (scenario: Scenario, system: SnowflakeSystemOptions) => defineScenario({ ...scenario, build: (world) => buildSnowflake(world, system) });

describe('each violation comes from what the scenario says', () => {
  it('restart-backwards: the restarted node reissues an ID it issued before its crash', () => {
    const failing = firstViolation(restartBackwards, 20);
    const [node] = failing.violation!.nodes;
    expect(failing.violation!.message).toMatch(new RegExp(`^${node} issued .*; ${node} had issued it`));
    const crashed = failing.faults.some((f) => f.kind === 'crash' && f.node === node && f.at < failing.violation!.t);
    const steppedBack = failing.faults.some((f) => f.kind === 'clock-jump' && f.node === node && f.delta < 0 && f.at < failing.violation!.t);
    expect(crashed && steppedBack).toBe(true);
  });

  it('restart-backwards: a persisted high-water mark makes the same faults safe', () => {
    const fixed = variant(restartBackwards, { ...restartBackwardsSystem, policy: { backwards: 'throw', arithmetic: 'bigint', highWaterBlockMs: 100 } });
    expect(seeds(10).filter((seed) => runScenario(restartBackwards, seed).violation).length).toBeGreaterThan(0);
    const verdict = judge(fixed, seeds(10).map((seed) => runScenario(fixed, seed)));
    expect(verdict.violations, verdict.summary).toEqual([]);
  });

  it('pod-ordinal: the two clusters collide; with the datacenter split they do not', () => {
    expect(runScenario(podOrdinal, 1).violation!.nodes.map((n) => n.replace(/^(east|west)-/, '')).every((n, _, all) => n === all[0])).toBe(true);
    const split = variant(podOrdinal, podOrdinalSystem(true));
    expect(judge(split, seeds(5).map((seed) => runScenario(split, seed))).violations).toEqual([]);
  });

  it('MAC-hash node ids: fleets whose hashes collide issue duplicate IDs, the others do not', () => {
    // 40 nodes: by the birthday rate, 53% of fleets have two nodes with one id.
    const macFleet = variant(podOrdinal, { ...podOrdinalSystem(false), nodeIds: { kind: 'mac-hash', nodes: 40 }, clients: 4, workload: { window: [0, seconds(3)], rate: 1000, count: [1, 2] } });
    const runs = seeds(8).map((seed) => {
      const run = runScenario(macFleet, seed, { faults: [] });
      const ids = macHashNodeIds(new RandomSource(seed).stream('world:macs'), 40).map((n) => n.nodeId);
      return { collided: new Set(ids).size < ids.length, violation: run.violation?.property };
    });
    expect(runs.filter((r) => !r.collided).every((r) => r.violation === undefined)).toBe(true);
    expect(runs.filter((r) => r.collided).map((r) => r.violation)).toContain('unique');
  });

  it('number-port: the same system with BigInts is safe', () => {
    const exact = variant(numberPort, { ...numberPortSystem, policy: { backwards: 'throw', arithmetic: 'bigint' } });
    expect(judge(exact, seeds(5).map((seed) => runScenario(exact, seed))).violations).toEqual([]);
  });

  it('skew-sorting: with no clock faults the IDs stay within the bound', () => {
    const calm = defineScenario({ ...skewSorting, faultMix: undefined, faults: () => [] });
    expect(judge(calm, seeds(5).map((seed) => runScenario(calm, seed))).violations).toEqual([]);
  });
});

describe('throughput in simulation', () => {
  it('reaches the ceiling of 4,096 IDs per millisecond per node, spinning once per millisecond', () => {
    const sim = new Simulation({ seed: 1, network: { latency: { min: ms(1), max: ms(1) } } });
    const issued: Fact[] = [];
    let exhausted = 0;
    sim.property({ name: 'record', observe: (f) => void (f.kind === 'id-issued' ? issued.push(f) : f.kind === 'id-wait' && exhausted++) });
    sim.node('snowflake-1', snowflakeNode({ backwards: 'throw', arithmetic: 'bigint' }, { kind: 'fixed', nodeId: 1 }));
    sim.node('app-1', (ctx) => void ctx.send('snowflake-1', { op: 'next-ids', count: 100_000 }));
    sim.run(seconds(1));
    const perMilli = new Map<number, number>();
    for (const f of issued) {
      const { timestamp } = parseId(BigInt(f.data.id as string));
      perMilli.set(timestamp, (perMilli.get(timestamp) ?? 0) + 1);
    }
    expect(issued.length).toBe(100_000);
    expect(perMilli.size).toBe(Math.ceil(100_000 / 4096));
    expect(Math.max(...perMilli.values())).toBe(4096);
    expect(exhausted).toBe(perMilli.size - 1);
    const simulatedMs = (issued.at(-1)!.t - issued[0]!.t) / 1000;
    expect(100_000 / Math.ceil(simulatedMs)).toBeGreaterThan(4000);
  });
});

describe('the clock-backwards study', () => {
  const table = runScenario(study, 1).summary!;
  const rows = table.split('\n').slice(3);
  const row = (label: string, step: string) => rows.find((r) => r.startsWith(label) && r.includes(` ${step} `))!.trim().split(/\s{2,}/);

  it('has a row per policy and step, and is safe', () => {
    expect(rows.length).toBe(STUDY_POLICIES.length * STUDY_STEPS.length);
    expect(runScenario(study, 1).violation).toBeUndefined();
  });

  it('shows the seed refusing for as long as the step, waiting refusing nothing but holding as long, the logical clock running ahead by it', () => {
    const [, , refused, longest] = row('throw (seed)', '100ms');
    expect(Number(refused)).toBeGreaterThanOrEqual(95);
    expect(longest).toMatch(/^9\d\.\d+ms$/);
    const [, , waitRefused, waitLongest] = row('wait', '1s');
    expect(waitRefused).toBe('0');
    expect(waitLongest).toMatch(/^99\d\.\d+ms$|^1(\.00\d)?s$/);
    const logical = row('logical clock', '5s');
    expect(logical[2]).toBe('0');
    expect(logical[5]).toMatch(/^499\d ms$/);
  });
});
