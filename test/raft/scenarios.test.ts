import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ms, runScenario, seconds, type Fault, type Scenario } from '../../src/kernel/index.js';
import { clients, servers } from '../../src/designs/raft/system.js';
import raftLock from '../../scenarios/raft-lock.js';
import figure8 from '../../scenarios/raft-bug-figure8.js';
import voteNotPersisted from '../../scenarios/raft-bug-vote-not-persisted.js';
import staleLeader from '../../scenarios/raft-bug-stale-leader.js';
import leaseLocalClock from '../../scenarios/raft-bug-lease-local-clock.js';
import seedRenewal from '../../scenarios/raft-lock-seed-renewal.js';

/** Runs seeds 1, 2, ... until one fails; returns what failed first. */
function firstFailure(scenario: Scenario, limit: number) {
  for (let seed = 1; seed <= limit; seed++) {
    const result = runScenario(scenario, seed);
    if (result.outcome !== 'ok') return { seed, outcome: result.outcome, property: result.violation?.property };
  }
  return undefined;
}

describe('every Raft bug is found by seed search alone, as its own violation', () => {
  it.each([
    ['a leader counting earlier-term replicas (Figure 8)', figure8, 'leader-completeness'],
    ['votes not persisted', voteNotPersisted, 'election-safety'],
    ['a leader answering from local state', staleLeader, 'no-uncommitted-grant'],
    ['lease expiry on each replica’s clock', leaseLocalClock, 'state-machine-safety'],
    ["the seed's renewal loop without fencing", seedRenewal, 'no-double-write'],
  ] as const)('%s', (_name, scenario, property) => {
    expect(scenario.expect).toEqual({ violates: property });
    const failure = firstFailure(scenario, 300);
    expect(failure).toMatchObject({ outcome: 'violation', property });
  });
});

const nodes = [...servers, ...clients];
const node = fc.constantFrom(...nodes);
const split = fc.shuffledSubarray(servers.concat(clients), { minLength: 2 }).chain((xs) =>
  fc.integer({ min: 1, max: xs.length - 1 }).map((cut) => [xs.slice(0, cut), xs.slice(cut)]),
);
/** Two non-empty sides and a bridge that is on neither (a fault the kernel accepts). */
const bridged = fc.shuffledSubarray(servers.concat(clients), { minLength: 3 }).chain((xs) =>
  fc.integer({ min: 1, max: xs.length - 2 }).map((cut) => ({ left: xs.slice(0, cut), right: xs.slice(cut, -1), bridge: xs[xs.length - 1]! })),
);
const at = fc.integer({ min: ms(100), max: seconds(15) });
const lasting = fc.integer({ min: ms(1), max: seconds(5) });
/** Any fault the kernel can inject, on any node, at any time in the first half of the run. */
const fault: fc.Arbitrary<Fault> = fc.oneof(
  fc.record({ at, kind: fc.constant('partition' as const), groups: split, duration: lasting }),
  fc.record({ at, kind: fc.constant('partition-oneway' as const), duration: lasting, split }).map(({ split: [from, to], ...f }) => ({ ...f, from: from!, to: to! })),
  fc.record({ at, kind: fc.constant('partition-bridge' as const), duration: lasting, bridged }).map(({ bridged: sides, ...f }) => ({ ...f, ...sides })),
  fc.record({ at, kind: fc.constant('degrade' as const), loss: fc.double({ min: 0, max: 0.5, noNaN: true }), duplicate: fc.double({ min: 0, max: 0.5, noNaN: true }), reorder: fc.double({ min: 0, max: 0.5, noNaN: true }), duration: lasting }),
  fc.record({ at, kind: fc.constant('pause' as const), node, duration: lasting }),
  fc.record({ at, kind: fc.constant('crash' as const), node, restartAfter: lasting }),
  fc.record({ at, kind: fc.constant('clock-jump' as const), node, delta: fc.integer({ min: -seconds(10), max: seconds(10) }) }),
  fc.record({ at, kind: fc.constant('clock-drift' as const), node, ppm: fc.integer({ min: -200_000, max: 200_000 }) }),
);

describe('the correct Raft lock service', () => {
  it('stays safe and live under any fault schedule (fast-check, beyond the scenario’s own draws)', () => {
    fc.assert(
      fc.property(fc.array(fault, { maxLength: 40 }), fc.integer({ min: 1, max: 1_000_000 }), (faults, seed) => {
        const sorted = [...faults].sort((a, b) => a.at - b.at);
        const result = runScenario(raftLock, seed, { faults: sorted });
        expect(result.violation?.message ?? result.outcome).toBe('ok');
      }),
      { numRuns: 25, seed: 4 },
    );
  });
});
