import { call, ConfigError, sleep, type Micros, type NodeModel, type Random, type Workflow } from '../../kernel/index.js';
import { regionOf, type CityPlan } from './city.js';
import { dispatchFact } from './facts.js';
import type { RequestStatus, TripRequest } from './messages.js';

/**
 * One trip request, as plain data: rider `rider` asks for trip `trip` from (x, y) at
 * true time `at` (the riders' clocks are the reference: they are never disturbed).
 * The random workload is drawn as a list of these, and a script is one typed in.
 */
export interface RequestStep {
  at: Micros;
  rider: string;
  trip: string;
  x: number;
  y: number;
}

export interface RandomWorkload {
  requests: number;
  /** True-time window the requests fall in. */
  window: [Micros, Micros];
  /** A share of the requests comes from within `radius` metres of one spot (a stadium letting out); the rest from anywhere. */
  hotspot: { share: number; x: number; y: number; radius: number };
}

/** Draws the random workload: the same step objects a script lists. */
export function drawRequests(random: Random, riders: readonly string[], city: CityPlan, workload: RandomWorkload): RequestStep[] {
  const { hotspot } = workload;
  const steps: RequestStep[] = [];
  for (let i = 0; i < workload.requests; i++) {
    const at = random.int(...workload.window);
    let x = random.float() * city.width;
    let y = random.float() * city.height;
    if (random.chance(hotspot.share)) {
      // Uniform over the disc: the radius drawn as the square root of a uniform share of its square.
      const r = hotspot.radius * Math.sqrt(random.float());
      const heading = random.float() * 2 * Math.PI;
      x = Math.min(city.width, Math.max(0, hotspot.x + r * Math.cos(heading)));
      y = Math.min(city.height, Math.max(0, hotspot.y + r * Math.sin(heading)));
    }
    steps.push({ at, rider: random.pick(riders), trip: `trip-${i + 1}`, x: Math.round(x), y: Math.round(y) });
  }
  return steps.sort((a, b) => a.at - b.at);
}

/** Checks a script before the run: one line per problem, as a ConfigError. */
export function checkScript(steps: readonly RequestStep[], riders: readonly string[], city: CityPlan, duration: Micros): void {
  const trips = new Set<string>();
  for (const step of steps) {
    if (!riders.includes(step.rider)) throw new ConfigError(`dispatch script: ${step.trip} names rider '${step.rider}', who does not exist (riders: ${riders.join(', ')})`);
    if (!(Number.isSafeInteger(step.at) && step.at >= 0 && step.at < duration)) throw new ConfigError(`dispatch script: ${step.trip} at ${step.at} µs is outside the run (0 to ${duration} µs)`);
    if (!(step.x >= 0 && step.x <= city.width && step.y >= 0 && step.y <= city.height)) throw new ConfigError(`dispatch script: ${step.trip} at (${step.x}, ${step.y}) is outside the city (${city.width} × ${city.height} m)`);
    if (trips.has(step.trip)) throw new ConfigError(`dispatch script: trip '${step.trip}' is requested twice; give each request its own trip name`);
    trips.add(step.trip);
  }
}

/**
 * A rider's app: asks for each of its trips at its time, from the dispatcher of the
 * region it stands in, and asks again every `retryEvery` until told the trip is
 * assigned (a dispatcher that restarted learns the request again this way).
 */
export function rider(options: { steps: readonly RequestStep[]; city: CityPlan; dispatchers: readonly string[]; retryEvery: Micros; timeout: Micros }): NodeModel {
  return (ctx) => {
    for (const step of options.steps) {
      if (step.rider !== ctx.id) continue;
      ctx.spawn(
        (function* requestTrip(): Workflow {
          if (step.at > ctx.now()) yield* sleep(step.at - ctx.now());
          dispatchFact(ctx, 'trip-requested', { trip: step.trip, rider: ctx.id, x: step.x, y: step.y });
          ctx.annotate({ [step.trip]: 'waiting' });
          const to = options.dispatchers[regionOf(options.city, step.x)]!;
          for (;;) {
            const reply = yield* call<RequestStatus>(to, { op: 'request', trip: step.trip, rider: ctx.id, x: step.x, y: step.y } satisfies TripRequest, options.timeout);
            if (reply.ok && reply.body.status === 'assigned') {
              ctx.annotate({ [step.trip]: null });
              return;
            }
            yield* sleep(options.retryEvery);
          }
        })(),
      );
    }
  };
}
