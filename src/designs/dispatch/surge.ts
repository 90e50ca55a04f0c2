/** The highest multiplier quoted. */
export const SURGE_CAP = 3;

/**
 * A cell's price multiplier from its open requests and available drivers: 1 while
 * drivers are at least as many as requests, then the ratio, to a tenth, capped. Uber
 * describes surge as rising "when demand for rides exceeds the number of drivers"
 * in an area (https://www.uber.com/us/en/drive/driver-app/how-surge-works/); the
 * ratio is the simplest rule of that kind. The dispatcher quotes it from what its
 * index believes; the properties compute it from the true counts, with this same rule.
 */
export function surgeMultiplier(openRequests: number, availableDrivers: number): number {
  const ratio = openRequests / Math.max(1, availableDrivers);
  return Math.min(SURGE_CAP, Math.max(1, Math.round(ratio * 10) / 10));
}
