import { seedsPerSecond } from './measure.js';
/**
 * Snowflake figures: the generator's own speed in wall-clock time (outside any
 * simulation: real time is what it is measured against), its throughput inside
 * the simulation against the 4,096-per-millisecond ceiling, the corrected
 * scenario's seeds per second, and what each part of the corrected design is for.
 */
import { defineScenario, ms, runScenario, seconds, Simulation, type Effect } from '../src/kernel/index.js';
import { SnowflakeGenerator, type Arithmetic } from '../src/designs/snowflake/generator.js';
import { parseId } from '../src/designs/snowflake/id.js';
import { snowflakeNode } from '../src/designs/snowflake/node.js';
import { buildSnowflake, type SnowflakeSystemOptions } from '../src/designs/snowflake/system.js';
import corrected, { correctedSystem } from '../scenarios/snowflake-corrected.js';
import restartBackwards from '../scenarios/snowflake-restart-backwards.js';

/** Runs `generate()` for `budgetMs` of wall-clock time; a sleep the generator asks for is a spin: it just reads its clock again. */
function idsPerSecond(arithmetic: Arithmetic, clock: () => number, budgetMs: number): number {
  const generator = new SnowflakeGenerator(1, clock, { arithmetic });
  const started = process.hrtime.bigint();
  const budget = BigInt(budgetMs) * 1_000_000n;
  let ids = 0;
  for (;;) {
    for (let i = 0; i < 10_000; i++) {
      const workflow = generator.generate();
      let next = workflow.next();
      while (!next.done) next = workflow.next((next.value as Effect) && undefined);
      ids++;
    }
    const elapsed = process.hrtime.bigint() - started;
    if (elapsed >= budget) return ids / (Number(elapsed) / 1e9);
  }
}

const realClock = () => Date.now() * 1000;
let fake = ms(1_699_900_000_000);
/** A clock that moves on a millisecond at every read: no ID ever waits, so this is generate() alone. */
const neverRepeats = () => (fake += ms(1));

for (const arithmetic of ['bigint', 'number'] as const) {
  idsPerSecond(arithmetic, neverRepeats, 200); // warm up
  const alone = idsPerSecond(arithmetic, neverRepeats, 1000);
  const capped = idsPerSecond(arithmetic, realClock, 1000);
  console.log(`generator (${arithmetic}), wall clock: ${(alone / 1e6).toFixed(2)}M IDs/s for generate() alone; ${(capped / 1e6).toFixed(2)}M IDs/s on Date.now(), spinning at the 4,096/ms ceiling (4.10M/s)`);
}

// Inside the simulation: one node asked for 100,000 IDs at once.
{
  const sim = new Simulation({ seed: 1 });
  const perMilli = new Map<number, number>();
  sim.property({ name: 'count', observe: (f) => void (f.kind === 'id-issued' && perMilli.set(parseId(BigInt(f.data.id as string)).timestamp, (perMilli.get(parseId(BigInt(f.data.id as string)).timestamp) ?? 0) + 1)) });
  sim.node('snowflake-1', snowflakeNode({ backwards: 'throw', arithmetic: 'bigint' }, { kind: 'fixed', nodeId: 1 }));
  sim.node('app-1', (ctx) => void ctx.send('snowflake-1', { op: 'next-ids', count: 100_000 }));
  const started = process.hrtime.bigint();
  sim.run(seconds(1));
  const wall = Number(process.hrtime.bigint() - started) / 1e9;
  const full = [...perMilli.values()].filter((n) => n === 4096).length;
  console.log(`simulation, one node asked for 100,000 IDs at once: ${perMilli.size} simulated ms, ${full} of them at 4,096 IDs (the ceiling); ${(100_000 / wall / 1e6).toFixed(2)}M IDs/s of wall-clock time with every ID a fact`);
}


seedsPerSecond(corrected, 50, 100_000); // warm up the JIT
const safe = seedsPerSecond(corrected, 500, 1);
console.log(`snowflake-corrected (500 seeds, 10 s simulated each): ${safe.rate.toFixed(0)} seeds/s, ${safe.eventsPerRun.toFixed(0)} events/run; its 2,000 seeds: ${(2000 / safe.rate).toFixed(1)} s on one thread`);
const unsafe = seedsPerSecond(restartBackwards, 100, 1);
console.log(`snowflake-restart-backwards (100 seeds, runs stop at the first breach): ${unsafe.rate.toFixed(0)} seeds/s, ${unsafe.eventsPerRun.toFixed(0)} events/run`);

// What each part of the corrected design is for: the same faults with a part taken out.
const withSystem = (system: SnowflakeSystemOptions) => defineScenario({ ...corrected, build: (world) => buildSnowflake(world, system) });
const variants: Array<[string, SnowflakeSystemOptions]> = [
  ['without the floor', { ...correctedSystem, nodeIds: { ...correctedSystem.nodeIds, floor: false } as SnowflakeSystemOptions['nodeIds'] }],
  ['without the floor or the high-water mark', { ...correctedSystem, nodeIds: { ...correctedSystem.nodeIds, floor: false } as SnowflakeSystemOptions['nodeIds'], policy: { ...correctedSystem.policy, highWaterBlockMs: undefined } }],
];
for (const [name, system] of variants) {
  const scenario = withSystem(system);
  const found = new Map<string, number[]>();
  for (let seed = 1; seed <= 500; seed++) {
    const violation = runScenario(scenario, seed).violation;
    if (violation) found.set(violation.property, [...(found.get(violation.property) ?? []), seed]);
  }
  const described = [...found].map(([property, list]) => `${property} in ${list.length} (first seed ${list[0]})`).join(', ');
  console.log(`snowflake-corrected ${name}, seeds 1..500: ${described || 'no violation'}`);
}
