import { describe, expect, it } from 'vitest';
import { defineScenario, ms, runScenario, seconds, type Micros, type TraceEvent } from '../../src/kernel/index.js';
import { redlockClient } from '../../src/designs/redlock/client.js';
import { masters, redlockSystemWith, type RedlockSystemOptions } from '../../src/designs/redlock/system.js';

/**
 * Step 2 of Redlock (redis.io, "Distributed Locks with Redis"): all masters at once,
 * or one after another with a per-request timeout. One client acquires at 10 ms while
 * master redis-1 cannot be reached; what it costs depends on how the client asks.
 */
function acquireWithFirstMasterUnreachable(options: RedlockSystemOptions, seed = 1) {
  const scenario = defineScenario({
    description: 'one Redlock client, redis-1 unreachable',
    expect: 'safe',
    ...redlockSystemWith({ validity: 'positive', script: [{ client: 'client-1', at: ms(10), kind: 'acquire' }], ...options }),
    params: { clients: { default: 1 } },
    duration: seconds(2),
    faults: () => [{ at: 0, kind: 'drop-messages', to: ['redis-1'], duration: seconds(2) }],
  });
  const trace = runScenario(scenario, seed, { trace: true }).trace!;
  const entered = trace.find((e) => e.kind === 'fact' && e.fact === 'cs-enter');
  const logs = trace.filter((e): e is Extract<TraceEvent, { kind: 'log' }> => e.kind === 'log').map((e) => e.text);
  const timeouts = trace.filter((e) => e.kind === 'timeout').map((e) => e.t);
  return { enteredAt: entered?.t, logs, timeouts };
}

/** The most a request and its answer take on these links (latency 0.5–8 ms each way). */
const roundTrip: Micros = ms(16);

describe('Redlock step 2: parallel or sequential acquire', () => {
  for (const seed of [1, 2, 3]) {
    it(`seed ${seed}: sequential with a 50 ms per-request timeout, the unreachable master costs 50 ms and the other four grant`, () => {
      const run = acquireWithFirstMasterUnreachable({ acquire: 'sequential', requestTimeout: ms(50) }, seed);
      expect(run.timeouts).toEqual([ms(60)]);
      expect(run.enteredAt).toBeGreaterThan(ms(60));
      expect(run.enteredAt).toBeLessThanOrEqual(ms(60) + 4 * roundTrip);
      expect(run.logs.find((l) => l.startsWith('acquired'))).toMatch(/^acquired on redis-2, redis-3, redis-4, redis-5 \(4\/5\)/);
    });

    it(`seed ${seed}: sequential without a per-request timeout, the unreachable master eats the whole validity and the client never enters`, () => {
      const run = acquireWithFirstMasterUnreachable({ acquire: 'sequential' }, seed);
      expect(run.enteredAt).toBeUndefined();
      // The budget: the 1 s TTL less the drift allowance (1% + 2 ms), all spent waiting for redis-1.
      expect(run.timeouts).toEqual([ms(10) + seconds(1) - ms(12)]);
      expect(run.logs).toContain('acquire budget spent after 988000µs: not asking the remaining masters');
    });

    it(`seed ${seed}: parallel (the default), the client waits out the whole timeout for the unreachable master, then enters`, () => {
      const run = acquireWithFirstMasterUnreachable({}, seed);
      expect(run.timeouts).toEqual([ms(60)]);
      expect(run.enteredAt).toBe(ms(60));
    });
  }

  it('sequential asks the masters in order, each after the previous answered, and locks all five when all are up', () => {
    const scenario = defineScenario({
      description: 'one sequential Redlock client',
      expect: 'safe',
      ...redlockSystemWith({ validity: 'positive', acquire: 'sequential', requestTimeout: ms(50), script: [{ client: 'client-1', at: 0, kind: 'acquire' }] }),
      params: { clients: { default: 1 } },
      duration: seconds(1),
    });
    const trace = runScenario(scenario, 1, { trace: true }).trace!;
    const delivered = trace.filter((e): e is Extract<TraceEvent, { kind: 'deliver' }> => e.kind === 'deliver');
    const requests = delivered.filter((e) => e.from === 'client-1');
    const answers = delivered.filter((e) => e.node === 'client-1');
    expect(requests.map((e) => e.node)).toEqual(masters);
    // Each request leaves when the previous answer arrives.
    for (let i = 1; i < requests.length; i++) expect(requests[i]!.sentAt).toBe(answers[i - 1]!.t);
    expect(trace.find((e) => e.kind === 'log')).toMatchObject({ text: expect.stringMatching(/^acquired on redis-1, redis-2, redis-3, redis-4, redis-5 \(5\/5\)/) });
  });

  describe('refuses options that do not fit together', () => {
    const base = { resource: 'r', storage: 's', servers: masters, ttl: seconds(1), work: { min: ms(100), max: ms(600) }, timeout: ms(50) };
    it.each([
      [{ requestTimeout: ms(50) }, /requestTimeout is the wait for one master of a sequential acquire/],
      [{ acquire: 'sequential' as const, requestTimeout: ms(101) }, /requestTimeout must be above 0 and small compared with the TTL \(at most a tenth, 100000µs\), not 101000/],
      [{ acquire: 'sequential' as const, requestTimeout: 0 }, /requestTimeout must be above 0/],
      [{ acquire: 'sequential' as const, recheckClock: false }, /recheckClock: false applies to acquire: 'parallel'/],
    ])('%j', (options, message) => {
      expect(() => redlockClient({ ...base, ...options })).toThrow(message);
    });
  });
});
