import { defineScenario, ms, seconds } from '../../src/kernel/index.js';
import { masters, redlockSystemWith } from '../../src/designs/redlock/system.js';

/**
 * redis.io, "Distributed Locks with Redis", step 2: the client "tries to acquire the
 * lock in all the N instances sequentially", each with "a timeout which is small
 * compared to the total lock auto-release time ... if an instance is not available,
 * we should try to talk with the next instance ASAP". Master A = redis-1 cannot be
 * reached for the whole run. Client 1 waits 50 ms for A, moves on, locks B–E and works;
 * client 2, trying while client 1 works, is refused, and gets the lock after client 1
 * released it. Without the per-request timeout (`requestTimeout` left out), A would eat
 * the whole 1 s validity and nobody would ever lock: the probe required below is not
 * reached (test/locks/redlock-acquire.test.ts runs both).
 */
const [a] = masters;
export default defineScenario({
  description: 'Redlock acquiring one master after another, 50 ms each: an unreachable master costs 50 ms, not the validity',
  expect: 'safe',
  seeds: 10,
  ...redlockSystemWith({
    validity: 'positive',
    acquire: 'sequential',
    requestTimeout: ms(50),
    script: [
      { client: 'client-1', at: ms(10), kind: 'acquire' }, // A times out at 60 ms; B–E grant
      { client: 'client-1', kind: 'wait', duration: ms(600) },
      { client: 'client-1', kind: 'write' },
      { client: 'client-1', kind: 'release' },
      { client: 'client-2', at: ms(300), kind: 'acquire' }, // B–E hold client 1's key: refused
      { client: 'client-2', kind: 'release' },
      { client: 'client-2', at: ms(1000), kind: 'acquire' },
      { client: 'client-2', kind: 'write' },
      { client: 'client-2', kind: 'release' },
    ],
  }),
  duration: seconds(2),
  faults: () => [{ at: 0, kind: 'drop-messages', to: [a!], duration: seconds(2) }],
  requires: ['redlock: locked one master after another, past one that did not grant'],
  exempt: { '*': "a published story: its faults are the source's timeline, not a mix meant to reach every role" },
});
