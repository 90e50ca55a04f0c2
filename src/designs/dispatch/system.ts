import { ConfigError, ms, seconds, type FaultMix, type Micros, type ScenarioSpec, type World } from '../../kernel/index.js';
import { Fleet, type CityPlan, type MotionPlan } from './city.js';
import { dispatcher } from './dispatcher.js';
import { driver, type DriverBehaviour } from './driver.js';
import { offerLiveness, oneTripPerDriver, pickupErrorWithin, surgeErrorWithin, type LivenessBounds } from './properties.js';
import { checkScript, drawRequests, rider, type RandomWorkload, type RequestStep } from './rider.js';
import { driverStore, type WriteMode } from './store.js';
import { dispatchSummary } from './summary.js';

export interface DispatchTiming {
  updateEvery: Micros;
  /** A driver not heard from for this long is not offered. */
  staleAfter: Micros;
  /** The store's hold on an offered driver (store clock), and the dispatcher's wait for an answer (its clock). */
  offerTtl: Micros;
  answerWithin: Micros;
  rematchEvery: Micros;
  /** A rider asks again this often until assigned. */
  retryEvery: Micros;
  confirmWait: Micros;
  timeout: Micros;
}

export interface DispatchSystemOptions {
  write: WriteMode;
  drivers: number;
  riders: number;
  city: CityPlan;
  cellSize: number;
  searchRadius: number;
  motion: MotionPlan;
  behaviour: DriverBehaviour;
  timing: DispatchTiming;
  /** Loss on the drivers' location links (on top of any fault). */
  updateLoss: number;
  workload: { random: RandomWorkload } | { script: RequestStep[] };
  duration: Micros;
  /** The properties and their bounds; none when absent (the study measures instead). */
  checks?: { liveness: LivenessBounds; pickupError?: number; surgeError?: number };
  /** Prefix of every node name: several systems in one world (the study). */
  scope?: string;
}

/** The node names of a system. */
export function dispatchNodes(options: Pick<DispatchSystemOptions, 'drivers' | 'riders' | 'city' | 'scope'>) {
  const scope = options.scope ?? '';
  const numbered = (role: string, count: number) => Array.from({ length: count }, (_, i) => `${scope}${role}-${i + 1}`);
  return { store: `${scope}store`, dispatchers: numbered('dispatcher', options.city.regions), drivers: numbered('driver', options.drivers), riders: numbered('rider', options.riders) };
}

/**
 * Ride dispatch: drivers moving through the city and reporting where they are over
 * lossy links, riders requesting trips, one dispatcher per region matching them
 * from its grid index, and the store of driver states. Returns the fleet (the
 * true positions) it drew, or was given.
 */
export function buildDispatch(world: World, options: DispatchSystemOptions, fleet?: Fleet): Fleet {
  if (options.drivers < 1 || options.riders < 1 || options.city.regions < 1) throw new ConfigError('dispatch: needs at least one driver, one rider and one region');
  if (options.city.halo < options.searchRadius) throw new ConfigError(`dispatch: the halo (${options.city.halo} m) must be at least the search radius (${options.searchRadius} m), or a dispatcher cannot see every driver near its riders`);
  const names = dispatchNodes(options);
  const drivers = fleet ? fleet.renamed(names.drivers) : Fleet.draw(world.stream('fleet'), names.drivers, options.city, options.motion, options.duration);
  const steps = 'script' in options.workload ? options.workload.script : drawRequests(world.stream(`${options.scope ?? ''}workload`), names.riders, options.city, options.workload.random);
  checkScript(steps, names.riders, options.city, options.duration);
  const { timing } = options;

  world.node(names.store, driverStore());
  for (const id of names.dispatchers) {
    world.node(id, dispatcher({
      store: names.store, write: options.write, cellSize: options.cellSize, searchRadius: options.searchRadius,
      staleAfter: timing.staleAfter, offerTtl: timing.offerTtl, answerWithin: timing.answerWithin, rematchEvery: timing.rematchEvery, timeout: timing.timeout,
    }));
  }
  const driverModel = driver({ fleet: drivers, city: options.city, dispatchers: names.dispatchers, store: names.store, updateEvery: timing.updateEvery, behaviour: options.behaviour, confirmWait: timing.confirmWait, timeout: timing.timeout });
  for (const id of names.drivers) {
    world.node(id, driverModel);
    if (options.updateLoss > 0) for (const to of names.dispatchers) world.link(id, to, { loss: options.updateLoss });
  }
  const riderModel = rider({ steps, city: options.city, dispatchers: names.dispatchers, retryEvery: timing.retryEvery, timeout: timing.timeout });
  for (const id of names.riders) world.node(id, riderModel);

  if (options.checks) {
    world.property(oneTripPerDriver());
    world.property(offerLiveness(drivers, options.checks.liveness));
    if (options.checks.pickupError !== undefined) world.property(pickupErrorWithin(drivers, options.cellSize, options.checks.pickupError));
    if (options.checks.surgeError !== undefined) world.property(surgeErrorWithin(drivers, options.cellSize, options.checks.surgeError));
  }
  return drivers;
}

/**
 * The scenarios' city, scaled so 2,000 seeds stay affordable: 6 × 3 km, two regions
 * of 3 km, 16 drivers at 18–54 km/h, 4 riders' apps asking for 30 trips in the first
 * 24 s (half of them from a stadium on the border), trips of 4–10 s (minutes, scaled).
 */
export const SMALL_CITY: Omit<DispatchSystemOptions, 'write'> = {
  drivers: 16,
  riders: 4,
  city: { width: 6_000, height: 3_000, regions: 2, halo: 1_500 },
  cellSize: 500,
  searchRadius: 1_500,
  motion: { speed: [5, 15], leg: [seconds(10), seconds(30)] },
  behaviour: { think: [ms(500), seconds(3)], acceptRate: 0.85, trip: [seconds(4), seconds(10)] },
  timing: { updateEvery: seconds(2), staleAfter: seconds(6), offerTtl: seconds(5), answerWithin: seconds(4), rematchEvery: ms(500), retryEvery: seconds(2), confirmWait: seconds(1), timeout: ms(300) },
  updateLoss: 0.02,
  workload: { random: { requests: 30, window: [seconds(2), seconds(24)], hotspot: { share: 0.5, x: 3_000, y: 1_500, radius: 400 } } },
  duration: seconds(40),
  checks: { liveness: { bound: seconds(10), hold: seconds(5), range: 1_000 } },
};

/** Faults start in the first 22 s and last at most 3 s, so every request's deadline falls inside the run. */
export const FAULT_WINDOW: [Micros, Micros] = [ms(500), seconds(22)];

/**
 * The scenarios' system: the small city with the given writes and any other
 * setting changed; its summary measures each run on the true history.
 */
export function dispatchSystem(variant: Partial<DispatchSystemOptions> & { write: WriteMode }): Pick<ScenarioSpec, 'duration' | 'build' | 'summary'> {
  const options: DispatchSystemOptions = { ...SMALL_CITY, ...variant };
  // The summary measures by the fleet this run drew: `build` runs before any fact reaches it.
  let fleet: Fleet | undefined;
  return {
    duration: options.duration,
    build: (world) => void (fleet = buildDispatch(world, options)),
    summary: () => dispatchSummary(() => fleet!, options.cellSize),
  };
}

/** Every fault kind on the store, the dispatchers and the drivers: crashes, pauses, clock jumps and drift, partitions, lossy links. */
export function everyFault(): FaultMix {
  const names = dispatchNodes(SMALL_CITY);
  return {
    count: [2, 8],
    window: FAULT_WINDOW,
    weights: { crash: 2, pause: 2, 'clock-jump': 1, 'clock-drift': 1, partition: 1, degrade: 1 },
    nodes: [names.store, ...names.dispatchers, ...names.drivers],
    duration: [ms(100), seconds(3)],
    maxJump: seconds(2),
    maxDriftPpm: 100_000,
  };
}
