import { describe, expect, it } from 'vitest';
import { ConfigError, defineScenario, judge, ms, runScenario, seconds, type Scenario } from '../../src/kernel/index.js';
import type { EditStep } from '../../src/designs/collab-text/editing.js';
import { buildCollab, type CollabSystemOptions, type Variant } from '../../src/designs/collab-text/system.js';
import crdt from '../../scenarios/docs-crdt.js';
import naive from '../../scenarios/docs-naive.js';
import otServer from '../../scenarios/docs-ot-server.js';
import otTp2 from '../../scenarios/docs-ot-tp2.js';

const seeds = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

describe.each<[string, Scenario, number]>([
  ['docs-naive', naive, 5],
  ['docs-ot-tp2', otTp2, 70], // its first violating seed is 68
  ['docs-ot-server', otServer, 30],
  ['docs-crdt', crdt, 30],
])('%s', (_name, scenario, count) => {
  it('meets its expectation over its first seeds, and fails in no other way', () => {
    const verdict = judge(scenario, seeds(count).map((seed) => runScenario(scenario, seed)));
    expect(verdict.matches, verdict.summary).toBe(true);
  });

  it('prints a one-line summary of each run', () => {
    expect(runScenario(scenario, 3).summary).toMatch(/^\d+ edits, \d+ characters; \d+\.\d transformations per edit; \d+\.\d metadata records per character; (converged \d+\.\d+s after the last heal|no partition healed before the end)$/);
  });
});

/**
 * The TP2 puzzle (Sun et al. 1998, §3.2) typed in as a script: client-1 types "abc";
 * half a second later, with "abc" everywhere, client-3 types x before b, client-2
 * deletes b and client-1 types y after b, all at once.
 */
const puzzle: EditStep[] = [
  { client: 'client-1', at: 0, op: 'insert', index: 0, ch: 'a' },
  { client: 'client-1', at: ms(40), op: 'insert', index: 1, ch: 'b' },
  { client: 'client-1', at: ms(80), op: 'insert', index: 2, ch: 'c' },
  { client: 'client-3', at: ms(500), op: 'insert', index: 1, ch: 'x' },
  { client: 'client-2', at: ms(500), op: 'delete', index: 1 },
  { client: 'client-1', at: ms(500), op: 'insert', index: 2, ch: 'y' },
];

const scripted = (variant: Variant, script: EditStep[] = puzzle, extra: Partial<CollabSystemOptions> = {}) =>
  defineScenario({
    description: `the TP2 puzzle, ${variant}`,
    expect: 'safe',
    duration: seconds(3),
    network: { latency: { min: ms(5), max: ms(60) } },
    build: (world) => buildCollab(world, { variant, clients: 3, editing: { script }, duration: seconds(3), settle: seconds(1), ...extra }),
  });

describe('the published TP2 puzzle, typed in as a script', () => {
  it('makes peer-to-peer OT without TP2 diverge: "ayxc" at one site, "axyc" at another', () => {
    const run = runScenario(scripted('ot-p2p'), 1);
    expect(run.violation?.property).toBe('convergence');
    expect(run.violation?.message).toMatch(/holds "ayxc" and client-\d holds "axyc"|holds "axyc" and client-\d holds "ayxc"/);
  });

  it.each<Variant>(['ot-server', 'crdt'])('leaves every %s replica with the same text, over many network schedules', (variant) => {
    for (const seed of seeds(20)) expect(runScenario(scripted(variant), seed).violation).toBeUndefined();
  });

  it('makes the naive variant diverge too', () => {
    expect(runScenario(scripted('naive'), 1).violation?.property).toBe('convergence');
  });
});

describe('delivery', () => {
  it('converges with half the messages lost and half duplicated, by retransmission, ignoring the duplicates', () => {
    const lossy = defineScenario({ ...scripted('crdt'), network: { latency: { min: ms(5), max: ms(60) }, loss: 0.5, duplicate: 0.5 } });
    const run = runScenario(lossy, 1);
    expect(run.violation).toBeUndefined();
    expect(run.probes['duplicate op ignored']).toBeGreaterThan(0);
  });
});

describe('scripts', () => {
  const build = (script: EditStep[]) => () => runScenario(scripted('crdt', script), 1);
  it('refuse a step for a client that does not exist', () => {
    expect(build([{ client: 'client-9', at: 0, op: 'insert', index: 0, ch: 'a' }])).toThrow(new ConfigError("script step 1 is for 'client-9', which does not exist (clients: client-1, client-2, client-3)"));
  });
  it('refuse a step beyond the run', () => {
    expect(build([{ client: 'client-1', at: seconds(5), op: 'delete', index: 0 }])).toThrow(/script step 1: at must be a time within the run/);
  });
  it('refuse an insert of more than one character', () => {
    expect(build([{ client: 'client-1', at: 0, op: 'insert', index: 0, ch: 'ab' }])).toThrow(/types exactly one character/);
  });
});
