import { ConfigError, seconds, type Micros, type Random } from '../../kernel/index.js';

/** A point on the plane, in metres. */
export interface Point {
  x: number;
  y: number;
}

/**
 * The city: a rectangle of `width` × `height` metres, cut into `regions` vertical
 * strips of equal width, one per dispatcher. A driver within `halo` of a strip
 * reports to its dispatcher too, so each dispatcher sees every driver within its
 * search radius of a rider it owns (the halo is the radius).
 */
export interface CityPlan {
  width: number;
  height: number;
  regions: number;
  halo: number;
}

/** The region (0-based) that owns a point: riders send their requests to its dispatcher. */
export function regionOf(city: CityPlan, x: number): number {
  return Math.min(city.regions - 1, Math.max(0, Math.floor((x * city.regions) / city.width)));
}

/** The regions a driver at `x` reports its location to: its own, and any whose strip is within the halo. */
export function reportRegions(city: CityPlan, x: number): number[] {
  const strip = city.width / city.regions;
  const regions: number[] = [];
  for (let r = 0; r < city.regions; r++) if (x >= r * strip - city.halo && x < (r + 1) * strip + city.halo) regions.push(r);
  return regions;
}

export interface MotionPlan {
  /** Speeds, uniform in [min, max], metres per second. */
  speed: [number, number];
  /** How long a driver keeps one heading before turning, uniform in [min, max]. */
  leg: [Micros, Micros];
}

/**
 * Where every driver really is at every true time: the kernel-side world model the
 * properties judge by. Each driver moves in straight legs at a constant speed and
 * turns at the end of each (a random-direction mobility model, Royer, Melliar-Smith
 * and Moser, ICC 2001), staying inside the city: a leg that would leave it stops at
 * the edge. Roads, and trips steering the car, are not modelled: the question is how
 * stale a dispatcher's picture is, not how a car gets to its rider.
 *
 * A driver's phone reads this too, at its own clock (its location fix): a driver
 * whose clock is off reports where it was, or will be, that far away in time.
 */
export class Fleet {
  private readonly index: Map<string, number>;

  /** `paths[i]`: waypoints of driver i as (t, x, y) triples, t increasing, covering the run and beyond. */
  private constructor(
    readonly names: readonly string[],
    private readonly paths: readonly Float64Array[],
    /** No driver is faster, metres per second. */
    readonly maxSpeed: number,
  ) {
    this.index = new Map(names.map((name, i) => [name, i]));
  }

  static draw(random: Random, names: readonly string[], city: CityPlan, motion: MotionPlan, until: Micros): Fleet {
    if (!(motion.speed[0] > 0 && motion.speed[0] <= motion.speed[1])) throw new ConfigError('dispatch: speed must be [min, max] metres per second with 0 < min <= max');
    if (!(motion.leg[0] > 0 && motion.leg[0] <= motion.leg[1])) throw new ConfigError('dispatch: leg must be [min, max] with 0 < min <= max');
    // Paths run a minute past the end, so a phone whose clock runs ahead still has somewhere to be.
    const horizon = until + seconds(60);
    const paths = names.map(() => {
      const points = [0, random.float() * city.width, random.float() * city.height];
      for (let t = 0; t < horizon; ) {
        const length = random.int(motion.leg[0], motion.leg[1]);
        const speed = motion.speed[0] + random.float() * (motion.speed[1] - motion.speed[0]);
        const heading = random.float() * 2 * Math.PI;
        const distance = (speed * length) / seconds(1);
        const x = points[points.length - 2]!;
        const y = points[points.length - 1]!;
        t += length;
        points.push(t, clamp(x + distance * Math.cos(heading), city.width), clamp(y + distance * Math.sin(heading), city.height));
      }
      return Float64Array.from(points);
    });
    return new Fleet(names, paths, motion.speed[1]);
  }

  /** A fleet on given paths, each a list of (t, x, y) waypoints with t increasing from 0: a hand-built world. */
  static fromWaypoints(paths: Record<string, ReadonlyArray<[Micros, number, number]>>): Fleet {
    let maxSpeed = 0;
    for (const points of Object.values(paths)) {
      if (points[0]?.[0] !== 0 || points.some(([t], i) => i > 0 && !(t > points[i - 1]![0]))) throw new ConfigError('dispatch: a path is waypoints (t, x, y) with t starting at 0 and increasing');
      for (let i = 1; i < points.length; i++) {
        const [t0, x0, y0] = points[i - 1]!;
        const [t1, x1, y1] = points[i]!;
        maxSpeed = Math.max(maxSpeed, (Math.hypot(x1 - x0, y1 - y0) * seconds(1)) / (t1 - t0));
      }
    }
    return new Fleet(Object.keys(paths), Object.values(paths).map((points) => Float64Array.from(points.flat())), maxSpeed);
  }

  /** The same drivers' paths under other node names (the study runs one fleet in several systems). */
  renamed(names: readonly string[]): Fleet {
    if (names.length !== this.names.length) throw new ConfigError('dispatch: a renamed fleet needs one name per driver');
    return new Fleet(names, this.paths, this.maxSpeed);
  }

  has(driver: string): boolean {
    return this.index.has(driver);
  }

  /** Where `driver` is at time `t` (before 0: where it starts; past its path: where the path ends). */
  position(driver: string, t: Micros): Point {
    const path = this.path(driver);
    if (t <= 0) return { x: path[1]!, y: path[2]! };
    for (let i = 3; i < path.length; i += 3) {
      const end = path[i]!;
      if (t > end) continue;
      const start = path[i - 3]!;
      const share = (t - start) / (end - start);
      return { x: path[i - 2]! + share * (path[i + 1]! - path[i - 2]!), y: path[i - 1]! + share * (path[i + 2]! - path[i - 1]!) };
    }
    return { x: path[path.length - 2]!, y: path[path.length - 1]! };
  }

  /** The times in (from, to) at which `driver` turns: distance to a fixed point is greatest at these or at the ends. */
  turnsBetween(driver: string, from: Micros, to: Micros): Micros[] {
    const path = this.path(driver);
    const turns: Micros[] = [];
    for (let i = 0; i < path.length; i += 3) if (path[i]! > from && path[i]! < to) turns.push(path[i]!);
    return turns;
  }

  private path(driver: string): Float64Array {
    const i = this.index.get(driver);
    if (i === undefined) throw new ConfigError(`dispatch: no driver named '${driver}' in the fleet`);
    return this.paths[i]!;
  }
}

const clamp = (value: number, limit: number) => Math.min(limit, Math.max(0, value));

export const distance = (a: Point, b: Point): number => Math.hypot(a.x - b.x, a.y - b.y);
