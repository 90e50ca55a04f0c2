import { defineScenario, ms, seconds } from '../src/kernel/index.js';
import { snowflakeSummary } from '../src/designs/snowflake/summary.js';
import { buildSnowflake, idNodeNames, type SnowflakeSystemOptions } from '../src/designs/snowflake/system.js';

const MAX_FAULTS = 16;
const MAX_JUMP = seconds(1);
const SKEW = ms(5);

export const restartBackwardsSystem: SnowflakeSystemOptions = {
  nodeIds: { kind: 'static', nodes: 3 },
  policy: { backwards: 'throw', arithmetic: 'bigint' },
  clients: 2,
  workload: { window: [0, seconds(6)], rate: 500, count: [1, 4] },
  clockSkew: SKEW,
  // Not what this scenario is about: the most the drawn clocks can disagree (every fault a jump of one clock), so only a real ordering bug would break it.
  kSortedBound: 2 * (SKEW + MAX_FAULTS * MAX_JUMP) + ms(1),
  monotonicAcrossRestarts: false,
};

/**
 * The seed's generator keeps `last_timestamp` in memory only. It throws while its
 * clock is behind, but a process that restarts has forgotten how far it got: if NTP
 * has stepped its clock back by more than the restart took, it issues again the
 * milliseconds it used before the crash, from sequence 0.
 */
export default defineScenario({
  description: "The seed's generator (last_timestamp in memory) on 3 nodes; crashes with restart and NTP steps of up to 1 s either way, drawn per seed",
  expect: { violates: 'unique' },
  duration: seconds(6),
  seeds: 30,
  build: (world) => buildSnowflake(world, restartBackwardsSystem),
  faultMix: {
    count: [6, MAX_FAULTS],
    window: [ms(300), seconds(5.5)],
    weights: { crash: 1, 'clock-jump': 1 },
    nodes: idNodeNames(restartBackwardsSystem.nodeIds),
    duration: [ms(5), ms(300)],
    maxJump: MAX_JUMP,
  },
  summary: snowflakeSummary,
});
