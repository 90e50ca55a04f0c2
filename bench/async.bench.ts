/**
 * The cost of async workflows against generator workflows on the same steps: the
 * scheduler's seed worker (src/designs/scheduler/worker.ts and async-worker.ts, which
 * give identical traces), one thread, no trace, as a search runs them. Rounds
 * alternate the two styles, and the ratio is the median of the paired rounds, so load
 * from elsewhere on the machine moves both.
 */
import { defineScenario, ms, runScenario, runScenarioAsync, seconds, sleep, type Scenario } from '../src/kernel/index.js';
import { mixOn, schedulerSystem, WORKERS } from '../src/designs/scheduler/system.js';

const seedWorker = (workerStyle: 'generator' | 'async'): Scenario =>
  defineScenario({
    description: `the seed worker as ${workerStyle}s`,
    expect: { violates: 'effect-once' },
    ...schedulerSystem({ worker: 'seed', workerStyle, election: 'raft', promotion: 'corrected', effects: 'every' }),
    faultMix: mixOn(WORKERS, { pause: 1, crash: 1 }),
  });

const SEEDS = 100;
async function rate(scenario: Scenario, style: 'generator' | 'async', seeds = SEEDS): Promise<{ events: number; rate: number }> {
  let events = 0;
  const started = process.hrtime.bigint();
  for (let seed = 1; seed <= seeds; seed++) {
    const result = style === 'async' ? await runScenarioAsync(scenario, seed) : runScenario(scenario, seed);
    events += result.stats.events;
  }
  return { events, rate: events / (Number(process.hrtime.bigint() - started) / 1e9) };
}

/** The worst case: every event resumes a workflow (a loop of 1 ms sleeps), so every event costs a segment. */
const sleeper = (style: 'generator' | 'async'): Scenario =>
  defineScenario({
    description: `a loop of sleeps as ${style}s`,
    expect: 'safe',
    duration: seconds(100),
    build(world) {
      world.node('n', (ctx) =>
        void ctx.spawn(
          style === 'async'
            ? async (ctx) => {
                for (;;) await ctx.sleep(ms(1));
              }
            : (function* () {
                for (;;) yield* sleep(ms(1));
              })(),
        ),
      );
    },
  });

async function compare(name: string, generator: Scenario, async: Scenario, seeds: number): Promise<void> {
  await rate(generator, 'generator', seeds);
  await rate(async, 'async', seeds);
  const rounds = [];
  for (let round = 0; round < 3; round++) {
    const g = await rate(generator, 'generator', seeds);
    const a = await rate(async, 'async', seeds);
    rounds.push({ g: g.rate, a: a.rate, ratio: a.rate / g.rate, events: g.events });
  }
  const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)]!;
  const best = (xs: number[]) => Math.max(...xs);
  console.log(
    `${name} (${rounds[0]!.events} events): generators ${(best(rounds.map((r) => r.g)) / 1e6).toFixed(2)}M events/s, ` +
      `async ${(best(rounds.map((r) => r.a)) / 1e6).toFixed(2)}M events/s (best of 3); async/generator ${median(rounds.map((r) => r.ratio)).toFixed(2)} (median of 3 paired rounds)`,
  );
}

await compare(`scheduler seed worker, ${SEEDS} seeds`, seedWorker('generator'), seedWorker('async'), SEEDS);
await compare('a loop of 1 ms sleeps, 100 s', sleeper('generator'), sleeper('async'), 1);
