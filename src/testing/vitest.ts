/**
 * `dst-sim/vitest`: a scenario's seeds as one vitest test, failing with what a
 * person needs to fix it: the seed, the shrunk fault list, and the command that
 * reproduces the run.
 */
import { relative } from 'node:path';
import { expect, test } from 'vitest';
import {
  defineScenario, describeExpectation, describeFault, formatTime, judge, isScenario, runScenarioAsync,
  type RunResult, type Scenario, type ScenarioSpec,
} from '../kernel/index.js';
import { loadScenario } from '../search/scenario-file.js';
import { shrink } from '../search/shrink.js';

/** The seeds to run: 1..n, or an inclusive range [from, to]. */
export type Seeds = number | [number, number];

export type SimTestOptions =
  /** A scenario, defined in the test or a path to its file (then the failure also gives the `sim run` command). */
  | { scenario: Scenario | string; seeds?: Seeds }
  /** Or a system written in the test: `defineScenario`'s fields, with `expect` defaulting to 'safe'. */
  | (Omit<ScenarioSpec, 'description' | 'expect' | 'seeds'> & Partial<Pick<ScenarioSpec, 'description' | 'expect'>> & { seeds?: Seeds });

/**
 * `simTest(name, { scenario, seeds })`: a vitest test that runs the scenario over its
 * seeds (async workflows included) and passes when they show what it expects (no
 * violation for a safe one; the expected one for a known-unsafe one), as `sim check`
 * judges. A failing run is shrunk, and the test fails with its seed, the faults that
 * still break it and how to run exactly that seed again: the environment variable
 * SIM_SEED=n makes every simTest run that seed only.
 */
export function simTest(name: string, options: SimTestOptions, timeout?: number): void {
  test(name, () => checkSeeds(name, options), timeout);
}

/** What a `simTest` runs, inside a test of its own: throws the failure report when the seeds do not show what is expected. */
export async function checkSeeds(name: string, options: SimTestOptions): Promise<void> {
  const { scenario, file } = await scenarioOf(name, options);
  const seeds = seedRange(options.seeds ?? scenario.seeds);
  const results: RunResult[] = [];
  for (let seed = seeds[0]; seed <= seeds[1]; seed++) results.push(await runScenarioAsync(scenario, seed));
  const verdict = judge(scenario, results);
  if (verdict.matches) return;
  const reproduce = (seed: number) => [
    `SIM_SEED=${seed} npx vitest run ${relative(process.cwd(), expect.getState().testPath ?? '')} -t ${JSON.stringify(name)}`,
    ...(file ? [`npx sim run ${file} --seed ${seed}`] : []),
  ];
  expect.fail(await failureReport(scenario, verdict.shown, seeds, verdict.summary, reproduce));
}

async function scenarioOf(name: string, options: SimTestOptions): Promise<{ scenario: Scenario; file?: string }> {
  if ('scenario' in options) {
    if (typeof options.scenario === 'string') {
      const loaded = await loadScenario(options.scenario);
      return { scenario: loaded.scenario, file: loaded.path };
    }
    if (!isScenario(options.scenario)) throw new Error('simTest: "scenario" must be a scenario (defineScenario({ … })) or the path of a scenario file');
    return { scenario: options.scenario };
  }
  const { seeds: _seeds, ...spec } = options;
  return { scenario: defineScenario({ description: name, expect: 'safe', ...spec }) };
}

function seedRange(seeds: Seeds): [number, number] {
  const fromEnvironment = process.env.SIM_SEED;
  if (fromEnvironment !== undefined) {
    if (!/^\d+$/.test(fromEnvironment)) throw new Error(`SIM_SEED must be a seed (an integer of at least 0), not ${JSON.stringify(fromEnvironment)}`);
    return [Number(fromEnvironment), Number(fromEnvironment)];
  }
  return typeof seeds === 'number' ? [1, seeds] : seeds;
}

/** What the test fails with: the verdict, and for a failing run its shrunk faults and the commands that reproduce it. */
async function failureReport(scenario: Scenario, shown: RunResult | undefined, seeds: [number, number], summary: string, reproduce: (seed: number) => string[]): Promise<string> {
  const lines = [`seeds ${seeds[0]}..${seeds[1]}: expected ${describeExpectation(scenario.expect)}, but ${summary}`];
  if (shown) {
    const { violation } = shown;
    lines.push(violation ? `seed ${shown.seed}: ${violation.property} violated at ${formatTime(violation.t)}: ${violation.message}` : `seed ${shown.seed}: ran out of its event budget (a hang or a livelock)`);
    const shrunk = violation ? await shrink(scenario, shown) : undefined;
    const faults = shrunk?.shrunk.faults ?? shown.faults;
    const params = shrunk?.shrunk.overrides.params;
    lines.push(
      shrunk
        ? `Shrunk in ${shrunk.runs} replays to ${faults.length} of ${shown.faults.length} faults${params ? `, with ${Object.entries(params).map(([k, v]) => `${k} = ${v}`).join(', ')}` : ''}:`
        : `Its ${faults.length} faults:`,
      ...faults.map((f) => `  ${formatTime(f.at)}  ${describeFault(f)}`),
    );
    lines.push('Reproduce:', ...reproduce(shown.seed).map((command) => `  ${command}`));
  }
  return lines.join('\n');
}
