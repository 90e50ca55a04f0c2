import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { defineScenario, isScenario, ms, Random, runScenario, seconds, Tally, type Scenario, type TraceEvent } from '../../src/kernel/index.js';
import { leaseLockSystem } from '../../src/designs/lease-lock/system.js';
import type { LockScript } from '../../src/designs/locking/client.js';

/**
 * The gallery of published failure stories (`scenarios/published/`): each shows the
 * verdict its source states on every one of its seeds, and a story replays
 * identically, event for event.
 */
const folder = new URL('../../scenarios/published/', import.meta.url);
const files = readdirSync(folder).filter((f) => f.endsWith('.ts')).sort();

const load = async (file: string): Promise<Scenario> => {
  const scenario: unknown = (await import(new URL(file, folder).href)).default;
  if (!isScenario(scenario)) throw new Error(`${file} does not export a scenario`);
  return scenario;
};

describe.each(files)('published story %s', (file) => {
  it('shows the verdict its source states on every seed, and reaches the probes it requires', async () => {
    const scenario = await load(file);
    const tally = new Tally(scenario);
    for (let seed = 1; seed <= scenario.seeds; seed++) tally.add(runScenario(scenario, seed));
    const verdict = tally.verdict();
    expect(verdict.matches, verdict.summary).toBe(true);
    // A story is told the same way whatever the seed's latencies: every seed shows it.
    expect(verdict.failures).toBe(scenario.expect === 'safe' ? 0 : scenario.seeds);
  });

  it('replays identically', async () => {
    const scenario = await load(file);
    const trace = () => JSON.stringify(runScenario(scenario, 2, { trace: true }).trace);
    expect(trace()).toBe(trace());
  });
});

describe('a script and the random loop run through one implementation', () => {
  /** The lease client's random loop for one client that always wins the lock: its steps, drawn as the client draws them. */
  function randomSteps(seed: number, cycles: number): LockScript {
    const random = new Random(`${seed}/node:client-1`);
    return Array.from({ length: cycles }, () => [
      { client: 'client-1', kind: 'acquire' as const },
      { client: 'client-1', kind: 'wait' as const, duration: random.int(ms(50), ms(400)) },
      { client: 'client-1', kind: 'write' as const },
      { client: 'client-1', kind: 'release' as const },
      { client: 'client-1', kind: 'wait' as const, duration: random.int(ms(10), ms(50)) },
    ]).flat();
  }
  const facts = (trace: TraceEvent[]) => trace.filter((e) => e.kind === 'fact' || e.kind === 'deliver').map((e) => ({ ...e, local: undefined }));
  const system = (script?: LockScript) =>
    defineScenario({ description: 'one lease client', expect: 'safe', ...leaseLockSystem({ fencing: true, script }), params: { clients: { default: 1 } }, duration: seconds(5) });

  for (const seed of [1, 2, 3]) {
    it(`seed ${seed}: the steps the random loop takes, typed in as a script, give the same deliveries and facts at the same true times`, () => {
      const random = runScenario(system(), seed, { trace: true });
      const scripted = runScenario(system(randomSteps(seed, 40)), seed, { trace: true });
      const grants = facts(random.trace!).filter((e) => e.kind === 'fact' && e.fact === 'lock-granted').length;
      expect(grants, 'the random run takes the lock many times').toBeGreaterThan(10);
      expect(facts(scripted.trace!)).toEqual(facts(random.trace!));
    });
  }
});

describe('the stories happen as published, not just their verdicts', () => {
  const writes = async (file: string) => {
    const trace = runScenario(await load(file), 1, { trace: true }).trace!;
    return trace.flatMap((e) => (e.kind === 'fact' && e.fact === 'storage-write' ? [e.data as { client: string }] : []));
  };

  it("Kleppmann's fencing example: token 34 is written, then 33 arrives and is refused", async () => {
    expect(await writes('kleppmann-fencing.ts')).toEqual([
      { resource: 'orders', client: 'client-2', token: 34, accepted: true },
      { resource: 'orders', client: 'client-1', token: 33, accepted: false },
    ]);
  });

  it("Redlock's delayed restart: client 2 still gets the lock and writes, after client 1", async () => {
    expect((await writes('redlock-restart-delayed.ts')).map((w) => w.client)).toEqual(['client-1', 'client-2']);
  });
});
