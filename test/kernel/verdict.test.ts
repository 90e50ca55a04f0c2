import { describe, expect, it } from 'vitest';
import { defineScenario, ms, runScenario, seconds, Tally, type Fault, type ScenarioSpec } from '../../src/kernel/index.js';

/** A client pinging a server; the faults reach the client only, with a crash, a pause and a clock step. */
const clientFaults: Fault[] = [
  { at: ms(100), kind: 'crash', node: 'client-1', restartAfter: ms(100) },
  { at: ms(400), kind: 'pause', node: 'client-1', duration: ms(100) },
  { at: ms(600), kind: 'clock-jump', node: 'client-1', delta: ms(50) },
];

const pinging = (spec: Partial<ScenarioSpec> = {}) =>
  defineScenario({
    description: 'ping',
    expect: 'safe',
    duration: seconds(1),
    seeds: 3,
    build(world) {
      world.node('server', () => ({}));
      world.node('client-1', (ctx) => {
        ctx.setTimer(ms(10), 'ping');
        return { onTimer: () => (ctx.send('server', 'ping'), ctx.setTimer(ms(10), 'ping')) };
      });
    },
    faults: () => clientFaults,
    ...spec,
  });

function verdictOver(seeds: number, spec: Partial<ScenarioSpec> = {}) {
  const scenario = pinging(spec);
  const tally = new Tally(scenario);
  for (let seed = 1; seed <= seeds; seed++) tally.add(runScenario(scenario, seed));
  return tally.verdict();
}

describe('a safe verdict over the scenario\'s own seeds owes fault coverage', () => {
  it('fails when a role was never crashed, paused or clock-shifted, naming it and what to do', () => {
    const verdict = verdictOver(3);
    expect(verdict.matches).toBe(false);
    expect(verdict.summary).toContain('server was never crashed, paused, clock-shifted: add it to the fault mix, or say why in the scenario\'s exempt');
  });

  it('owes nothing over fewer seeds than the scenario\'s (a quick search)', () => {
    expect(verdictOver(2).matches).toBe(true);
  });

  it('holds when the scenario says why the role is exempt, or exempts every role', () => {
    expect(verdictOver(3, { exempt: { server: 'the server is the ground truth here' } }).matches).toBe(true);
    expect(verdictOver(3, { exempt: { '*': 'a study' } }).matches).toBe(true);
  });

  it('fails when the exempt names a role the scenario does not have', () => {
    const verdict = verdictOver(3, { exempt: { server: 'ground truth', sever: 'a typo' } });
    expect(verdict.matches).toBe(false);
    expect(verdict.summary).toContain("the exempt names 'sever', no role of the scenario's nodes (they are: client, server)");
  });

  it('is not asked of a known-unsafe scenario', () => {
    const verdict = verdictOver(3, { expect: { violates: 'never' }, faults: () => [], build: (world) => { world.node('server', () => ({})); world.property({ name: 'never', observe: () => ({ message: 'broken', nodes: [] }) }); } });
    expect(verdict.summary).not.toContain('fault mix');
  });
});
