import { describe, expect, it } from 'vitest';
import { defineScenario, runScenario, seconds, type Fault } from '../../src/kernel/index.js';
import { paymentsSystem, type PaymentsVariant } from '../../src/designs/payments/system.js';

/**
 * A payments story typed in: the phone pays once; the service's answer is lost on the
 * way back, so the phone retries with the same key. The seed's processor, which
 * checks the key before charging and records it after, and the corrected one that
 * reserves the key first, against one and the same timeline.
 */
const story = (processor: PaymentsVariant['processor']) =>
  defineScenario({
    description: 'a lost answer, retried with the same key',
    expect: 'safe',
    ...paymentsSystem({
      processor, publishing: 'outbox', dedupe: true, compensation: true,
      script: [{ client: 'phone', at: seconds(1), kind: 'pay', key: 'order-42', amount: 4_200, card: 'card-1' }],
    }),
    faults: (): Fault[] => [{ at: seconds(1), kind: 'drop-messages', from: ['payments-1', 'payments-2'], to: ['phone'], duration: seconds(5) }],
  });

describe('a scripted purchase whose answer is lost', () => {
  for (const processor of ['seed', 'corrected'] as const) {
    it(`${processor}: the phone retries with the same key until an answer gets through, and the card is charged once`, () => {
      const result = runScenario(story(processor), 1, { trace: true });
      const attempts = result.trace!.filter((e) => e.kind === 'fact' && e.fact === 'pay-attempt').map((e) => e.kind === 'fact' && (e.data as { key: string }).key);
      expect(attempts.length).toBeGreaterThan(1);
      expect(new Set(attempts)).toEqual(new Set(['order-42']));
      expect(result.violation?.property).not.toBe('charged-once');
    });
  }

  it('a payment step without a time is refused', () => {
    const bad = defineScenario({
      description: 'no time', expect: 'safe',
      ...paymentsSystem({ processor: 'corrected', publishing: 'outbox', dedupe: true, compensation: true, script: [{ client: 'phone', kind: 'pay', key: 'k', amount: 1, card: 'c' }] }),
    });
    expect(() => runScenario(bad, 1)).toThrow('payments script, step 1: a payment needs an "at"');
  });
});
