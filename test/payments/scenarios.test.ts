import { describe, expect, it } from 'vitest';
import { judge, runScenario, type Scenario } from '../../src/kernel/index.js';
import corrected from '../../scenarios/payments-corrected.js';
import dualWrite from '../../scenarios/payments-dual-write.js';
import noDedupe from '../../scenarios/payments-outbox-no-dedupe.js';
import noCompensation from '../../scenarios/payments-refund-no-compensation.js';
import seedProcessor from '../../scenarios/payments-seed-processor.js';

const scenarios: Array<[string, Scenario]> = [
  ['payments-seed-processor', seedProcessor],
  ['payments-dual-write', dualWrite],
  ['payments-outbox-no-dedupe', noDedupe],
  ['payments-refund-no-compensation', noCompensation],
  ['payments-corrected', corrected],
];
const seeds = (n: number, from = 1) => Array.from({ length: n }, (_, i) => from + i);

describe.each(scenarios)('%s', (_name, scenario) => {
  it('meets its expectation over the first seeds', () => {
    const verdict = judge(scenario, seeds(scenario.expect === 'safe' ? 40 : 12).map((seed) => runScenario(scenario, seed)));
    expect(verdict.summary).not.toMatch(/budget|violates (?!.*first)/);
    expect(verdict.matches, verdict.summary).toBe(true);
  });

  it('prints a one-line summary of each run', () => {
    expect(runScenario(scenario, 5).summary).toMatch(/^payments attempted \d+, charged \d+, double-charged \d+, pending resolved by reconciliation \d+, refunds \d+$/);
  });
});

describe('the corrected design', () => {
  it('hands every property facts of the kinds it watches: none judges a history it never sees', () => {
    const { factsSeen } = runScenario(corrected, 1);
    expect(Object.keys(factsSeen).sort()).toEqual(
      ['charged-once', 'effects-once', 'ledger-matches-network', 'legal-transitions', 'no-lost-event', 'no-open-authorization', 'refund-within-capture'],
    );
    expect(Object.entries(factsSeen).filter(([, seen]) => seen === 0)).toEqual([]);
  });
});

describe('the seed processor', () => {
  it('is caught charging twice both after a client timeout and for two devices at once', () => {
    const messages = seeds(12).map((seed) => runScenario(seedProcessor, seed).violation?.message ?? '');
    expect(messages.some((m) => m.includes('client retry after a timeout'))).toBe(true);
    expect(messages.some((m) => m.includes('concurrent requests with the same key from two devices'))).toBe(true);
  });

  it('leaves a trace that tells the story: the request, its timeout, the retry, the lost or late answer, the two charges', () => {
    const seed = seeds(20).find((s) => runScenario(seedProcessor, s).violation?.message.includes('client retry after a timeout'))!;
    const run = runScenario(seedProcessor, seed, { trace: true });
    const message = run.violation!.message;
    const [, firstRequest, secondRequest] = message.match(/made for request (\S+?)[;)].* made for request (\S+?)[;)]/)!;
    const facts = run.trace!.filter((e) => e.kind === 'fact');
    const factKinds = (request: string) => facts.filter((e) => (e.data as { request?: string }).request === request).map((e) => e.fact);
    expect(factKinds(firstRequest!)).toEqual(expect.arrayContaining(['pay-attempt', 'payment-started', 'pay-timeout']));
    expect(factKinds(secondRequest!)).toEqual(expect.arrayContaining(['pay-attempt', 'payment-started']));
    expect(facts.filter((e) => e.fact === 'network-charge').length).toBeGreaterThanOrEqual(2);
    const logs = run.trace!.filter((e) => e.kind === 'log').map((e) => e.text);
    expect(logs.some((l) => l.startsWith(`${firstRequest}: no answer`))).toBe(true);
    expect(logs.some((l) => l.startsWith(`${secondRequest}: no idempotency record`))).toBe(true);
  });
});
