import { describe, expect, it } from 'vitest';
import { defineScenario, Random, runScenario, seconds, type Fact, type Fault, type UntypedFact } from '../../src/kernel/index.js';
import { Fleet, regionOf, reportRegions } from '../../src/designs/dispatch/city.js';
import { cellKey, cellName, cellOf, cellsAround, GridIndex } from '../../src/designs/dispatch/geo-index.js';
import { checkScript, type RequestStep } from '../../src/designs/dispatch/rider.js';
import { surgeMultiplier } from '../../src/designs/dispatch/surge.js';
import { buildDispatch, SMALL_CITY, type DispatchSystemOptions } from '../../src/designs/dispatch/system.js';
import type { WriteMode } from '../../src/designs/dispatch/store.js';
import noCas from '../../scenarios/dispatch-no-cas.js';
import cas from '../../scenarios/dispatch-cas.js';
import pickupBudget from '../../scenarios/dispatch-pickup-budget.js';
import slowUpdates from '../../scenarios/dispatch-slow-updates.js';
import surgeBorder from '../../scenarios/dispatch-surge-border.js';

describe('the grid index', () => {
  it('finds the same nearest entry as looking at every one, within the radius, among those accepted', () => {
    const random = new Random('grid');
    const index = new GridIndex<number>(500);
    const points = Array.from({ length: 400 }, (_, i) => ({ id: `d${i}`, x: random.float() * 6_000, y: random.float() * 3_000, value: i }));
    for (const p of points) index.upsert(p.id, p.x, p.y, p.value);
    // Moving some across cells keeps every cell's members right.
    for (const p of points.slice(0, 100)) index.upsert(p.id, (p.x = random.float() * 6_000), (p.y = random.float() * 3_000), p.value);
    for (let q = 0; q < 200; q++) {
      const x = random.float() * 6_000;
      const y = random.float() * 3_000;
      const radius = random.float() * 2_000;
      const even = (value: number) => value % 2 === 0;
      const brute = points.filter((p) => even(p.value) && Math.hypot(p.x - x, p.y - y) <= radius).sort((a, b) => Math.hypot(a.x - x, a.y - y) - Math.hypot(b.x - x, b.y - y))[0];
      expect(index.nearest(x, y, radius, (_, e) => even(e.value))?.id).toBe(brute?.id);
      const inReach: string[] = [];
      index.within(x, y, radius, (id) => inReach.push(id));
      expect(inReach.sort()).toEqual(points.filter((p) => Math.hypot(p.x - x, p.y - y) <= radius).map((p) => p.id).sort());
    }
    index.remove('d1');
    expect(index.size).toBe(399);
    expect([...index.inCell(cellOf(points[2]!.x, points[2]!.y, 500))]).toContain('d2');
    expect(cellName(cellOf(2_600, 1_100, 500))).toBe('5:2');
  });
});

describe('the city', () => {
  const city = SMALL_CITY.city;
  it('gives each point one owner, and drivers within the halo of a border report to both sides', () => {
    expect([regionOf(city, 0), regionOf(city, 2_999), regionOf(city, 3_000), regionOf(city, 6_000)]).toEqual([0, 0, 1, 1]);
    expect(reportRegions(city, 1_000)).toEqual([0]);
    expect(reportRegions(city, 2_000)).toEqual([0, 1]);
    expect(reportRegions(city, 4_400)).toEqual([0, 1]);
    expect(reportRegions(city, 4_600)).toEqual([1]);
  });

  it('keeps drivers inside the city on continuous paths no faster than the fastest speed', () => {
    const names = Array.from({ length: 50 }, (_, i) => `driver-${i + 1}`);
    const fleet = Fleet.draw(new Random('fleet'), names, city, SMALL_CITY.motion, seconds(40));
    const problems: string[] = [];
    for (const name of names) {
      let before = fleet.position(name, 0);
      for (let t = seconds(0.5); t <= seconds(100); t += seconds(0.5)) {
        const at = fleet.position(name, t);
        if (!(at.x >= 0 && at.x <= city.width && at.y >= 0 && at.y <= city.height)) problems.push(`${name} outside at ${t}`);
        if (Math.hypot(at.x - before.x, at.y - before.y) > fleet.maxSpeed * 0.5 + 1e-9) problems.push(`${name} too fast before ${t}`);
        before = at;
      }
    }
    expect(problems).toEqual([]);
  });
});

it('surge: 1 while drivers suffice, then the ratio to a tenth, capped at 3; the cap when no driver meets demand', () => {
  expect([surgeMultiplier(0, 0), surgeMultiplier(3, 5), surgeMultiplier(3, 2), surgeMultiplier(7, 3), surgeMultiplier(2, 0), surgeMultiplier(40, 2)]).toEqual([1, 1, 1.5, 2.3, 3, 3]);
  expect(cellsAround(cellKey(0, 3), 1).map(cellName).sort()).toEqual(['0:2', '0:3', '0:4', '1:2', '1:3', '1:4']);
});

describe('scripted stories', () => {
  /** One driver parked on the border, two riders a hundred metres either side of it asking at the same moment. */
  const story: RequestStep[] = [
    { at: seconds(5), rider: 'rider-1', trip: 'west', x: 2_900, y: 1_500 },
    { at: seconds(5), rider: 'rider-2', trip: 'east', x: 3_100, y: 1_500 },
  ];
  const parked = Fleet.fromWaypoints({ 'driver-1': [[0, 3_000, 1_500]] });
  const system = (write: WriteMode, script = story): DispatchSystemOptions => ({
    ...SMALL_CITY, write, drivers: 1, riders: 2, updateLoss: 0, workload: { script },
    behaviour: { think: [seconds(2), seconds(2)], acceptRate: 1, trip: [seconds(6), seconds(6)] },
  });
  function run(write: WriteMode, faults: Fault[] = []) {
    const facts: Fact<UntypedFact>[] = [];
    const scenario = defineScenario({
      description: 'one driver, two riders', expect: 'safe', duration: SMALL_CITY.duration,
      build(world) {
        buildDispatch(world, system(write), parked);
        world.property({ name: 'record', observe: (fact) => void facts.push(fact) });
      },
    });
    const result = runScenario(scenario, 1, { faults });
    return { result, facts, assigned: facts.filter((f) => f.kind === 'trip-assigned').map((f) => `${f.data.trip}@${Math.round(f.t / seconds(1))}s`) };
  }

  it('blind writes: both dispatchers hold the border driver, it takes both offers, and both riders are promised it', () => {
    const { result } = run('blind');
    expect(result.violation?.property).toBe('one-trip-per-driver');
    expect(result.violation?.message).toMatch(/driver-1 was assigned (west|east) .* while still on (west|east)/);
  });

  it('compare-and-set: the second hold is refused; that rider gets the driver after the first trip ends', () => {
    const { result, assigned } = run('compare-and-set');
    expect(result.outcome).toBe('ok');
    expect(result.probes['offer refused: driver not available']).toBeGreaterThan(0);
    // First trip at about 7 s (request, 2 s to take it); the second after the 6 s trip, a report and 2 s more.
    expect(assigned).toHaveLength(2);
    expect(Number(assigned[1]!.split('@')[1]!.replace('s', ''))).toBeGreaterThanOrEqual(13);
  });

  it('a driver that restarts on a trip asks the store, resumes it, and drops the rider off once', () => {
    const { result, facts } = run('compare-and-set', [{ at: seconds(9), kind: 'crash', node: 'driver-1', restartAfter: seconds(1) }]);
    expect(result.outcome).toBe('ok');
    expect(result.probes['driver resumed its trip after a restart']).toBe(1);
    const ends = facts.filter((f) => f.kind === 'trip-ended').map((f) => f.data.trip);
    expect(new Set(ends).size).toBe(ends.length);
    expect(ends).toHaveLength(2);
  });

  it('refuses a script naming a missing rider, a time outside the run, a point outside the city or a trip twice', () => {
    const riders = ['rider-1'];
    const ok: RequestStep = { at: seconds(1), rider: 'rider-1', trip: 't1', x: 10, y: 10 };
    expect(() => checkScript([ok], riders, SMALL_CITY.city, seconds(40))).not.toThrow();
    expect(() => checkScript([{ ...ok, rider: 'rider-9' }], riders, SMALL_CITY.city, seconds(40))).toThrow(/t1 names rider 'rider-9', who does not exist/);
    expect(() => checkScript([{ ...ok, at: seconds(40) }], riders, SMALL_CITY.city, seconds(40))).toThrow(/outside the run/);
    expect(() => checkScript([{ ...ok, x: 7_000 }], riders, SMALL_CITY.city, seconds(40))).toThrow(/outside the city/);
    expect(() => checkScript([ok, ok], riders, SMALL_CITY.city, seconds(40))).toThrow(/requested twice/);
    expect(() => run('compare-and-set', [])).not.toThrow();
  });
});

describe('the scenarios', () => {
  it('each known-unsafe one shows its violation in its first seeds', () => {
    for (const scenario of [noCas, slowUpdates, surgeBorder, pickupBudget]) {
      const expected = (scenario.expect as { violates: string }).violates;
      const found = [1, 2, 3, 4].map((seed) => runScenario(scenario, seed).violation?.property);
      expect(found.filter((p) => p !== undefined && p !== expected)).toEqual([]);
      expect(found).toContain(expected);
    }
  });

  it('dispatch-cas: the first seeds are safe and summarise pickup and surge error', () => {
    for (let seed = 1; seed <= 10; seed++) expect(runScenario(cas, seed).outcome).toBe('ok');
    expect(runScenario(cas, 1).summary).toMatch(/30 requests, \d+ assigned .* pickup error p50 \d+ m, p99 \d+ m, max \d+ m; surge error mean [\d.]+, max [\d.]+/);
  });
});
