import { ms, seconds, type Fault, type Micros, type ScenarioSpec } from '../../kernel/index.js';
import type { Entry } from '../raft/core.js';
import { raftSafety } from '../raft/properties.js';
import { raftServer, type RaftVariant } from '../raft/server.js';
import { raftTiming } from '../raft/system.js';
import { checkKvScript, raftKvClient, type KvScript } from './client.js';
import { kvMachine, type KvCommand } from './machine.js';

/**
 * The Raft paper's Figure 8 (Ongaro & Ousterhout, "In Search of an Understandable
 * Consensus Algorithm", §5.4.2), step by step, on five key-value servers S1–S5
 * (`raft-1` … `raft-5`). Every server starts with the entry of term 1 at index 1 and
 * its election timer held for the whole run: elections happen only where the figure
 * has them, by steering a server to time out. Dropped AppendEntries keep each new
 * entry on exactly the servers the figure shows.
 *
 * (a) S1 leads term 2 and replicates index 2 to S2 only; S1 crashes.
 * (b) S5 is elected for term 3 by S3, S4 and itself, accepts a different index 2; S5 crashes.
 * (c) S1 restarts and is elected for term 4 (its first try, in term 3, loses: S3 and S4
 *     voted for S5 in term 3); it replicates index 2 (term 2) to S3, a majority, and takes
 *     a client's entry of term 4 at index 3. A leader that counts replicas of earlier
 *     terms commits index 2 now; the correct one does not.
 * (d) S1 crashes; S5 restarts and is elected for term 5 by S2, S3 and S4 (its try in
 *     term 4 loses), and overwrites index 2 with its entry of term 3 everywhere: an
 *     entry the buggy leader had committed is gone.
 * (e) Instead of (d)'s ending: S1's term-4 entry reaches S2 and S3 before it crashes, so
 *     it commits with index 2 beneath it, and S5 can no longer win an election.
 */
export const FIGURE_8_SERVERS = ['raft-1', 'raft-2', 'raft-3', 'raft-4', 'raft-5'];
const [s1, s2, s3, s4, s5] = FIGURE_8_SERVERS as [string, string, string, string, string];

/** The figure's steps begin at these true times; each snapshot in the test is taken just before the next begins. */
export const FIGURE_8_STEPS = { a: ms(100), b: ms(700), c: ms(1300), d: ms(2100) } as const;
const DURATION = seconds(3);

/** The client's three entries: index 2 at S1 in term 2, index 2 at S5 in term 3, index 3 at S1 in term 4. */
const script: KvScript = [
  { client: 'client-1', at: ms(300), kind: 'put', key: 'x', value: 'term 2', server: s1, attempts: 1 },
  { client: 'client-1', at: ms(900), kind: 'put', key: 'x', value: 'term 3', server: s5, attempts: 1 },
  { client: 'client-1', at: ms(1800), kind: 'put', key: 'x', value: 'term 4', server: s1, attempts: 1 },
];

const timeOut = (at: Micros, node: string): Fault => ({ at, kind: 'steer', node, action: 'time-out' });
const dropAppends = (from: string, to: string[], at: Micros, until: Micros): Fault => ({ at, kind: 'drop-messages', from: [from], to, types: ['append'], duration: until - at });

/** The figure's faults and steering; `ending` is (d) or (e). */
function timeline(ending: 'd' | 'e'): Fault[] {
  const faults: Fault[] = [
    ...FIGURE_8_SERVERS.map((node): Fault => ({ at: 0, kind: 'steer', node, action: 'hold-election-timer', duration: DURATION })),
    // (a)
    timeOut(ms(100), s1),
    dropAppends(s1, [s3, s4, s5], ms(250), ms(600)),
    { at: ms(600), kind: 'crash', node: s1, restartAfter: ms(700) },
    // (b)
    timeOut(ms(700), s5),
    dropAppends(s5, [s1, s2, s3, s4], ms(850), ms(1200)),
    { at: ms(1200), kind: 'crash', node: s5, restartAfter: ms(900) },
    // (c): S1 is back at 1.3 s
    timeOut(ms(1400), s1),
    timeOut(ms(1500), s1),
    dropAppends(s1, [s4], ms(1450), ms(2000)),
    // (d): the term-4 entry (proposed at 1.8 s) stays on S1; (e): it reaches S2 and S3
    ...(ending === 'd' ? [dropAppends(s1, [s2, s3], ms(1750), ms(2000))] : []),
    { at: ms(2000), kind: 'crash', node: s1 },
    // (d) or (e): S5 is back at 2.1 s
    timeOut(ms(2200), s5),
    timeOut(ms(2300), s5),
  ];
  return faults.sort((a, b) => a.at - b.at);
}

/** The entry every server holds at index 1 when the run starts: term 1. */
const FIRST: Entry<KvCommand> = { term: 1, id: 'figure-8:1:1', op: { type: 'machine', command: { type: 'put', key: 'x', value: 'term 1' } } };

/** The Figure 8 system and timeline, with the commit rule of `variant`, ending as (d) or (e). */
export function figure8(variant: RaftVariant, ending: 'd' | 'e'): Pick<ScenarioSpec, 'duration' | 'build' | 'faults' | 'disk'> {
  return {
    duration: DURATION,
    build(world) {
      for (const id of FIGURE_8_SERVERS) world.node(id, raftServer({ servers: FIGURE_8_SERVERS, timing: raftTiming, variant, machine: () => kvMachine }));
      checkKvScript(script, ['client-1'], FIGURE_8_SERVERS, world.duration);
      world.node('client-1', raftKvClient({ servers: FIGURE_8_SERVERS, keys: ['x'], timeout: ms(100), attempts: 1, think: { min: 0, max: 0 }, script }));
      for (const property of raftSafety()) world.property(property);
    },
    faults: () => timeline(ending),
    disk: Object.fromEntries(FIGURE_8_SERVERS.map((id) => [id, { term: 1, 'log-length': 1, 'log:1': FIRST }])),
  };
}
