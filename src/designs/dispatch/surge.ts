/** The highest multiplier quoted. */
export const SURGE_CAP = 3;

/** Surge is priced over the rider's cell and its neighbours (a k-ring of 1), so that a cell of a few hundred metres is not priced on one or two drivers. */
export const SURGE_RING = 1;

/**
 * The price multiplier of an area from its open requests and available drivers: 1
 * while drivers are at least as many as requests, then the ratio, to a tenth,
 * capped; the cap when there is demand and no driver at all. Uber describes surge
 * as rising "when demand for rides exceeds the number of drivers" in an area
 * (https://www.uber.com/us/en/drive/driver-app/how-surge-works/), and prices areas
 * of hexagons smoothed over their neighbours (the k-rings of H3,
 * https://www.uber.com/blog/h3/); the ratio is the simplest rule of that kind. The
 * dispatcher quotes it from what its index believes; the properties compute it from
 * the true counts, with this same rule.
 */
export function surgeMultiplier(openRequests: number, availableDrivers: number): number {
  if (availableDrivers === 0) return openRequests > 0 ? SURGE_CAP : 1;
  return Math.min(SURGE_CAP, Math.max(1, Math.round((openRequests / availableDrivers) * 10) / 10));
}
