import { defineScenario, ms, seconds } from '../src/kernel/index.js';
import { snowflakeSummary } from '../src/designs/snowflake/summary.js';
import { buildSnowflake, idNodeNames, type SnowflakeSystemOptions } from '../src/designs/snowflake/system.js';

const SKEW = ms(5);

/** Two Kubernetes clusters, 3 pods each, node id = pod ordinal (no datacenter bits). */
export const podOrdinalSystem = (datacenterSplit: boolean): SnowflakeSystemOptions => ({
  nodeIds: { kind: 'pod-ordinal', clusters: ['east', 'west'], pods: 3, datacenterSplit },
  policy: { backwards: 'throw', arithmetic: 'bigint' },
  clients: 2,
  workload: { window: [0, seconds(5)], rate: 300, count: [1, 3] },
  clockSkew: SKEW,
  kSortedBound: 2 * SKEW + ms(1),
  monotonicAcrossRestarts: false,
});

const system = podOrdinalSystem(false);

/**
 * The seed's follow-up "use Kubernetes pod ordinal" for the node id, in two clusters
 * (or datacenters): east-0 and west-0 are both node 0. Whenever both issue in the same
 * millisecond of their clocks, they issue the same IDs. The faults change nothing.
 */
export default defineScenario({
  description: 'Node id = pod ordinal in two clusters of 3 pods (east-n and west-n share id n); pauses, crashes and partitions drawn per seed',
  expect: { violates: 'unique' },
  duration: seconds(5),
  seeds: 5,
  build: (world) => buildSnowflake(world, system),
  faultMix: (world) => ({
    count: [0, 6],
    window: [ms(200), seconds(4)],
    weights: { pause: 1, crash: 1, partition: 1 },
    nodes: idNodeNames(system.nodeIds),
    partitionable: [...world.nodeIds],
    duration: [ms(10), ms(500)],
  }),
  summary: snowflakeSummary,
});
