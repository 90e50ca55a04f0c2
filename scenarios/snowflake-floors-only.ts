import { defineScenario, drawFaults, ms, seconds, type Fault } from '../src/kernel/index.js';
import { snowflakeSummary } from '../src/designs/snowflake/summary.js';
import { buildSnowflake, idNodeNames, type SnowflakeSystemOptions } from '../src/designs/snowflake/system.js';

/** `snowflake-corrected`'s system without the persisted high-water mark. */
const system: SnowflakeSystemOptions = {
  nodeIds: {
    kind: 'lease',
    nodes: 4,
    pool: 5,
    timing: { ttl: seconds(1), renewEvery: ms(200), margin: ms(200), timeout: ms(100), retryEvery: ms(100), aheadMs: 500 },
    floor: true,
  },
  policy: { backwards: 'wait', arithmetic: 'bigint' },
  clients: 3,
  workload: { window: [0, seconds(10)], rate: 50, count: [1, 3] },
  clockSkew: ms(10),
  // Not what this scenario is about: wide enough for the boot steps below.
  kSortedBound: seconds(30),
  monotonicAcrossRestarts: true,
  maxRefusal: seconds(6),
};

/**
 * Tripwire for `monotonic`. The corrected design trusting the coordinator's per-id
 * floors alone, without its own persisted high-water mark: the floors keep every ID
 * unique, but a node down longer than its lease comes back under another node id,
 * whose floor knows nothing of this node's past, and if NTP steps its clock back at
 * boot its IDs sort below the ones it issued before. Twitter's Snowflake README asks
 * for NTP in a mode that never steps back for this reason; Sonyflake derives the
 * machine id from the host's IP, which a rescheduled pod changes.
 */
export default defineScenario({
  description: 'Leased node ids with per-id floors but no persisted high-water mark; ID nodes crash past their lease and NTP steps the clock back at boot',
  expect: { violates: 'monotonic' },
  duration: seconds(10),
  seeds: 20,
  build: (world) => buildSnowflake(world, system),
  faults(random) {
    const crashes = drawFaults(random, { count: [2, 6], window: [ms(300), seconds(8)], weights: { crash: 1 }, nodes: idNodeNames(system.nodeIds), duration: [ms(1100), ms(1600)] });
    const bootSteps = crashes.map((crash): Fault => ({ at: crash.at + ms(1), kind: 'clock-jump', node: (crash as Extract<Fault, { kind: 'crash' }>).node, delta: -random.int(ms(1200), seconds(2)) }));
    return [...crashes, ...bootSteps].sort((a, b) => a.at - b.at);
  },
  summary: snowflakeSummary,
});
