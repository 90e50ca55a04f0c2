import { defineScenario, ms, seconds } from '../src/kernel/index.js';
import { snowflakeSummary } from '../src/designs/snowflake/summary.js';
import { buildSnowflake, idNodeNames, type SnowflakeSystemOptions } from '../src/designs/snowflake/system.js';

/** What the deployment assumes NTP achieves: every clock within ±10 ms of true time. */
const ASSUMED_SKEW = ms(10);

const system: SnowflakeSystemOptions = {
  nodeIds: { kind: 'static', nodes: 4 },
  policy: { backwards: 'throw', arithmetic: 'bigint' },
  clients: 2,
  workload: { window: [0, seconds(8)], rate: 300, count: [1, 3] },
  clockSkew: ASSUMED_SKEW,
  // Two clocks 10 ms off either way disagree by at most 20 ms; 1 ms more for the truncation to whole milliseconds.
  kSortedBound: 2 * ASSUMED_SKEW + ms(1),
  monotonicAcrossRestarts: false,
};

/**
 * "Sortable by time (roughly)": IDs more than 21 ms apart sort in the order they
 * were issued, as long as clocks stay within the ±10 ms the deployment assumes. NTP
 * steps of up to 200 ms and drift take a clock beyond it: a fast node's IDs sort
 * after IDs issued truly later elsewhere, a slow one's before IDs issued earlier.
 */
export default defineScenario({
  description: "The seed's generator on 4 nodes, clocks assumed within ±10 ms (k-sorted bound 21 ms); NTP steps of up to 200 ms and drift drawn per seed",
  expect: { violates: 'k-sorted' },
  duration: seconds(8),
  seeds: 10,
  build: (world) => buildSnowflake(world, system),
  faultMix: {
    count: [1, 6],
    window: [ms(200), seconds(7)],
    weights: { 'clock-jump': 3, 'clock-drift': 1 },
    nodes: idNodeNames(system.nodeIds),
    duration: [ms(10), ms(500)],
    maxJump: ms(200),
    maxDriftPpm: 5_000,
  },
  summary: snowflakeSummary,
});
