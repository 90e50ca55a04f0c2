import { defineScenario, drawFaults, ms, seconds } from '../src/kernel/index.js';
import { snowflakeSummary } from '../src/designs/snowflake/summary.js';
import { boundedClockSteps, buildSnowflake, clientNames, COORDINATOR, idNodeNames, initialOffsets, type SnowflakeSystemOptions } from '../src/designs/snowflake/system.js';

/** NTP steps keep every clock within ±1 s of true time (two clocks within 2 s of each other). */
const WITHIN = seconds(1);
const SKEW = ms(10);

export const correctedSystem: SnowflakeSystemOptions = {
  nodeIds: {
    kind: 'lease',
    nodes: 4,
    pool: 5,
    timing: { ttl: seconds(1), renewEvery: ms(200), margin: ms(200), timeout: ms(100), retryEvery: ms(100), aheadMs: 500 },
    floor: true,
  },
  policy: { backwards: 'wait', arithmetic: 'bigint', highWaterBlockMs: 100 },
  clients: 3,
  workload: { window: [0, seconds(10)], rate: 50, count: [1, 3] },
  clockSkew: SKEW,
  kSortedBound: 2 * WITHIN + ms(1),
  monotonicAcrossRestarts: true,
  maxRefusal: seconds(6),
};

/**
 * The corrected design: node ids leased from a coordination service that keeps, per
 * id, the highest timestamp its holders may use (the next holder starts above it),
 * a high-water mark persisted ahead in blocks of 100 ms (a restart never reissues,
 * and a node's IDs increase across restarts), and waiting out a clock that went
 * back. Under crashes, pauses and partitions of the nodes and the coordinator, and
 * NTP steps either way within ±1 s.
 */
export default defineScenario({
  description: 'Leased node ids with per-id reserved timestamps, a persisted high-water mark, wait on a clock behind; crashes, pauses, partitions, NTP steps within ±1 s',
  expect: 'safe',
  duration: seconds(10),
  seeds: 2000,
  build: (world) => buildSnowflake(world, correctedSystem),
  faults(random, world) {
    const crashable = [...idNodeNames(correctedSystem.nodeIds), COORDINATOR];
    return [
      ...drawFaults(random, {
        count: [2, 8],
        window: [ms(300), seconds(8)],
        weights: { crash: 2, pause: 1, partition: 1 },
        nodes: crashable,
        partitionable: [...world.nodeIds],
        duration: [ms(20), seconds(2)],
      }),
      ...boundedClockSteps(random, initialOffsets(world, crashable, SKEW), { count: [2, 8], window: [ms(300), seconds(8)], within: WITHIN }),
      // The applications too: one that crashes loses its requests in flight, and its clock orders nothing.
      ...drawFaults(random, { count: [0, 2], window: [ms(300), seconds(8)], weights: { crash: 1, pause: 1, 'clock-jump': 1 }, nodes: clientNames(correctedSystem.clients), duration: [ms(20), seconds(1)] }),
    ].sort((a, b) => a.at - b.at);
  },
  requires: ['waited out a clock that stepped back', 'node id lease lapsed: stopped generating'],
  summary: snowflakeSummary,
});
