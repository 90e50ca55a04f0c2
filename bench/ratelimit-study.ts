/**
 * Prints the rate-limiter study table for a number of users (default 100,000):
 * `npx tsx bench/ratelimit-study.ts 10000 [seed]`.
 */
import { runScenario } from '../src/kernel/index.js';
import study from '../scenarios/ratelimit-study.js';

const users = Number(process.argv[2] ?? 100_000);
const seed = Number(process.argv[3] ?? 1);
const started = process.hrtime.bigint();
const result = runScenario(study, seed, { params: { users } });
const elapsed = Number(process.hrtime.bigint() - started) / 1e9;
console.log(result.summary);
console.log(`\nseed ${seed}: ${result.stats.events.toLocaleString('en-US')} events, ${result.stats.facts.toLocaleString('en-US')} facts, ${elapsed.toFixed(1)} s of real time`);
