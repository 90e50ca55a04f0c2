import { describe, expect, it } from 'vitest';
import { ms, seconds, type Fact, type Micros, type Property } from '../../src/kernel/index.js';
import { composeId, TWITTER_EPOCH } from '../../src/designs/snowflake/id.js';
import { availability, kSorted, monotonicPerNode, unique } from '../../src/designs/snowflake/properties.js';

const T0 = 1699900000000;

/** An `id-issued` fact: `node` issued the ID of (ms, node id, sequence) at true time t, its clock reading `clockMs`. */
function issued(t: Micros, node: string, millis: number, nodeId: number, sequence = 0, clockMs = millis): Fact {
  return { t, node, kind: 'id-issued', data: { id: composeId(millis, TWITTER_EPOCH, nodeId, sequence).toString(), nodeId, clockMs } };
}
const refused = (t: Micros, node: string): Fact => ({ t, node, kind: 'id-refused', data: { count: 1, reason: 'clock-backwards', clockMs: T0 } });
const waiting = (t: Micros, node: string): Fact => ({ t, node, kind: 'id-wait', data: { reason: 'clock-backwards', behindMs: 5, clockMs: T0 } });
const kernel = (t: Micros, node: string, kind: 'crash' | 'restart'): Fact => ({ t, node, kind, data: {} });

/** Feeds a hand-built history; returns the first breach message, or the end-of-run verdict. */
function judge(property: Property<any>, facts: Fact[], endAt: Micros = seconds(10)): string | undefined {
  for (const fact of facts) {
    if (property.watches && !property.watches.includes(fact.kind)) continue;
    const breach = property.observe?.(fact);
    if (breach) return breach.message;
  }
  return property.finish?.({ t: endAt, faultsOverAt: 0 })?.message;
}

describe('unique', () => {
  it('holds when every ID differs, across nodes and milliseconds', () => {
    expect(judge(unique(), [issued(1, 'a', T0, 1), issued(2, 'a', T0, 1, 1), issued(3, 'b', T0, 2), issued(4, 'a', T0 + 1, 1)])).toBeUndefined();
  });

  it('is broken by the same ID from two nodes sharing a node id, and names both', () => {
    const message = judge(unique(), [issued(ms(1), 'east-0', T0, 0), issued(ms(2), 'west-0', T0, 0)]);
    expect(message).toMatch(/^west-0 issued \d+ \(ms 1699900000000, node id 0, sequence 0\) at 0\.002000s .*; east-0 had issued it at 0\.001000s/);
  });

  it('is broken by one node issuing an ID again after a restart', () => {
    expect(judge(unique(), [issued(ms(1), 'a', T0, 3, 0), kernel(ms(2), 'a', 'restart'), issued(ms(3), 'a', T0, 3, 0)])).toMatch(/^a issued .* a had issued it/);
  });
});

describe('monotonic', () => {
  it('holds while each node’s IDs increase, whatever other nodes do', () => {
    expect(judge(monotonicPerNode({ acrossRestarts: true }), [issued(1, 'a', T0 + 5, 1), issued(2, 'b', T0, 2), issued(3, 'a', T0 + 5, 1, 1), issued(4, 'b', T0 + 1, 2)])).toBeUndefined();
  });

  it('is broken by a node issuing a smaller ID than its last one', () => {
    expect(judge(monotonicPerNode({ acrossRestarts: false }), [issued(1, 'a', T0 + 5, 1), issued(2, 'a', T0 + 4, 1)])).toMatch(/^a issued .* after .*: one node's IDs must increase within one process$/);
  });

  it('is broken by a node issuing the same ID again (strictly increasing)', () => {
    expect(judge(monotonicPerNode({ acrossRestarts: true }), [issued(1, 'a', T0, 1), issued(2, 'a', T0, 1)])).toMatch(/must increase$/);
  });

  it('starts afresh at a restart by default (the seed promises it per generator), but not across restarts when asked', () => {
    const history = [issued(1, 'a', T0 + 5, 1), kernel(2, 'a', 'crash'), kernel(3, 'a', 'restart'), issued(4, 'a', T0 + 1, 1)];
    expect(judge(monotonicPerNode({ acrossRestarts: false }), history)).toBeUndefined();
    expect(judge(monotonicPerNode({ acrossRestarts: true }), history)).toMatch(/^a issued/);
  });
});

describe('k-sorted', () => {
  const bound = ms(21);

  it('holds when IDs more than the bound apart sort in the order they were issued', () => {
    expect(judge(kSorted({ bound }), [issued(ms(0), 'a', T0 + 15, 1), issued(ms(5), 'b', T0 + 2, 2), issued(ms(40), 'b', T0 + 40, 2)])).toBeUndefined();
  });

  it('lets IDs closer than the bound sort either way', () => {
    // b's clock is 15 ms slow: its ID sorts before a's, issued 20 ms earlier in true time.
    expect(judge(kSorted({ bound }), [issued(ms(0), 'a', T0, 1), issued(ms(20), 'b', T0 + 5, 2)])).toBeUndefined();
  });

  it('is broken by an ID issued more than the bound later that sorts before an earlier one', () => {
    const message = judge(kSorted({ bound }), [issued(ms(0), 'fast', T0 + 200, 1), issued(ms(100), 'slow', T0 + 100, 2)]);
    expect(message).toMatch(/^slow issued .* no larger than .* which fast issued 100ms earlier .*: IDs issued more than 21ms apart must sort in the order they were issued$/);
  });

  it('compares with the largest of all IDs issued more than the bound earlier, not only the last', () => {
    const history = [issued(ms(0), 'fast', T0 + 500, 1), issued(ms(10), 'a', T0 + 10, 2), issued(ms(200), 'a', T0 + 200, 2)];
    expect(judge(kSorted({ bound }), history)).toMatch(/^a issued .* which fast issued 200ms earlier/);
  });

  it('judges IDs exactly the bound apart as close: only more than the bound apart must sort', () => {
    expect(judge(kSorted({ bound }), [issued(0, 'a', T0 + 50, 1), issued(bound, 'b', T0, 2)])).toBeUndefined();
    expect(judge(kSorted({ bound }), [issued(0, 'a', T0 + 50, 1), issued(bound + 1, 'b', T0, 2)])).toMatch(/must sort/);
  });
});

describe('availability', () => {
  const maxRefusal = ms(500);

  it('holds when refusals and waits end within the bound', () => {
    expect(judge(availability({ maxRefusal }), [refused(ms(100), 'a'), refused(ms(300), 'a'), issued(ms(600), 'a', T0, 1), waiting(ms(700), 'b'), issued(ms(1100), 'b', T0, 2)])).toBeUndefined();
  });

  it('is broken when a node refuses from its first refusal until it next issues for longer than the bound', () => {
    expect(judge(availability({ maxRefusal }), [refused(ms(100), 'a'), refused(ms(500), 'a'), issued(ms(601), 'a', T0, 1)])).toBe(
      'a refused or held requests for IDs from 0.100000s for 501ms, longer than the 500ms the scenario allows',
    );
  });

  it('is broken at the end of the run by a refusal that never ended', () => {
    expect(judge(availability({ maxRefusal }), [waiting(ms(100), 'a')], seconds(1))).toMatch(/^a refused or held requests for IDs from 0\.100000s for 900ms/);
  });

  it('ends a refusal at a crash: a node that is down is not refusing', () => {
    expect(judge(availability({ maxRefusal }), [refused(ms(100), 'a'), kernel(ms(200), 'a', 'crash'), refused(ms(900), 'a'), issued(ms(1000), 'a', T0, 1)])).toBeUndefined();
  });
});
