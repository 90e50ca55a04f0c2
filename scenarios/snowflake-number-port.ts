import { defineScenario, ms, seconds } from '../src/kernel/index.js';
import { snowflakeSummary } from '../src/designs/snowflake/summary.js';
import { buildSnowflake, idNodeNames, type SnowflakeSystemOptions } from '../src/designs/snowflake/system.js';

const SKEW = ms(5);

export const numberPortSystem: SnowflakeSystemOptions = {
  nodeIds: { kind: 'static', nodes: 3 },
  policy: { backwards: 'throw', arithmetic: 'number' },
  clients: 2,
  workload: { window: [0, seconds(5)], rate: 300, count: [1, 3] },
  clockSkew: SKEW,
  kSortedBound: 2 * SKEW + ms(1),
  monotonicAcrossRestarts: false,
};

/**
 * The seed ported to JS with numbers instead of BigInts: an ID of 2023 is about
 * 2^60.6, where doubles are 256 apart, so sequence numbers 0 to 127 of one
 * millisecond all round to the same ID. The second ID a node issues in a
 * millisecond repeats the first.
 */
export default defineScenario({
  description: 'The seed ported with JS numbers (doubles) instead of BigInts, 3 nodes; pauses and crashes drawn per seed',
  expect: { violates: 'unique' },
  duration: seconds(5),
  seeds: 5,
  build: (world) => buildSnowflake(world, numberPortSystem),
  faultMix: {
    count: [0, 6],
    window: [ms(200), seconds(4)],
    weights: { pause: 1, crash: 1 },
    nodes: idNodeNames(numberPortSystem.nodeIds),
    duration: [ms(10), ms(500)],
  },
  summary: snowflakeSummary,
});
