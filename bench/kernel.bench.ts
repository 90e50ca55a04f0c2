/**
 * The kernel's speed: message ping-pong (its hot path and nothing else), then real
 * scenarios in events per second, one thread, no trace, as a search runs them. Each
 * scenario round is paired with a ping-pong round, and its ratio to ping-pong is the
 * median of the paired ratios, so load from elsewhere on the machine moves both.
 */
import { pingPong } from './pingpong.js';
import { scenarioRate } from './scenario-rate.js';
import type { Scenario } from '../src/kernel/index.js';
import redlockSkew from '../scenarios/redlock-skew.js';
import gcPauseFencing from '../scenarios/gc-pause-fencing.js';
import raftLock from '../scenarios/raft-lock.js';
import paymentsCorrected from '../scenarios/payments-corrected.js';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const ping = () => {
  const { events, seconds } = pingPong(2_000_000);
  return events / seconds;
};

pingPong(200_000); // warm up the JIT before measuring
const pings = [ping(), ping(), ping()];
console.log(`kernel ping-pong (2M deliveries, best of 3): ${(Math.max(...pings) / 1e6).toFixed(2)}M events/s (median ${(median(pings) / 1e6).toFixed(2)}M)`);

const scenarios: Array<[string, Scenario, number]> = [
  ['redlock-skew', redlockSkew, 300],
  ['gc-pause-fencing', gcPauseFencing, 300],
  ['raft-lock', raftLock, 200],
  ['payments-corrected', paymentsCorrected, 500],
];
for (const [name, scenario, seeds] of scenarios) {
  scenarioRate(scenario, 20, 1_000_001); // warm-up
  const rounds = [0, 1, 2].map(() => {
    const pingRate = ping();
    const { events, seconds } = scenarioRate(scenario, seeds);
    return { rate: events / seconds, seedsPerSecond: seeds / seconds, ratio: events / seconds / pingRate };
  });
  const best = rounds.reduce((a, b) => (b.rate > a.rate ? b : a));
  console.log(
    `${name}: ${(best.rate / 1e6).toFixed(2)}M events/s, ${best.seedsPerSecond.toFixed(0)} seeds/s (best of 3 rounds of ${seeds} seeds, one thread); ` +
      `${median(rounds.map((r) => r.ratio)).toFixed(2)} × ping-pong (median of 3 paired rounds)`,
  );
}
