import { describe, expect, it } from 'vitest';
import { ms, seconds, Simulation, sleep, type Fact, type Fault, type NodeModel } from '../../src/kernel/index.js';
import { openSession, submit } from '../../src/designs/raft/client.js';
import type { StateMachine } from '../../src/designs/raft/core.js';
import { raftSafety } from '../../src/designs/raft/properties.js';
import { raftServer, type RaftVariant } from '../../src/designs/raft/server.js';

/** A replicated list: each command appends a string; the result is the list's length. */
const listMachine = (): StateMachine<string, readonly string[], number> => ({
  initial: [],
  apply: (state, item) => ({ state: [...state, item], result: state.length + 1 }),
});

const servers = ['s1', 's2', 's3'];
const timing = { heartbeat: ms(50), electionTimeout: [ms(150), ms(300)] as [number, number] };

/** A client that submits `count` commands one after another, recording each answer as a fact. */
const writer =
  (count: number, every = ms(100)): NodeModel =>
  (ctx) => {
    const session = openSession(ctx, { servers, leader: undefined });
    ctx.spawn(
      (function* () {
        for (let i = 1; i <= count; i++) {
          const result = yield* submit<string, number>(ctx, session, `${ctx.id}-${i}`, { timeout: ms(100) });
          ctx.fact('answered', { item: `${ctx.id}-${i}`, result: result ?? null });
          yield* sleep(every);
        }
      })(),
    );
  };

function run(options: { faults?: Fault[]; duration?: number; variant?: RaftVariant; clients?: Record<string, NodeModel> } = {}) {
  const sim = new Simulation({ seed: 7 });
  for (const id of servers) sim.node(id, raftServer({ servers, timing, machine: listMachine, variant: options.variant }));
  for (const [id, model] of Object.entries(options.clients ?? {})) sim.node(id, model);
  const facts: Fact[] = [];
  sim.property({ name: 'record', observe: (fact) => void facts.push(fact) });
  for (const property of raftSafety()) sim.property(property);
  sim.schedule(options.faults ?? []);
  const result = sim.run(options.duration ?? seconds(3));
  return { result, facts, of: (kind: string) => facts.filter((f) => f.kind === kind) };
}

describe('a Raft cluster on the kernel', () => {
  it('elects exactly one leader when nothing goes wrong', () => {
    const { of, result } = run();
    expect(result.outcome).toBe('ok');
    const leaders = of('became-leader');
    expect(leaders).toHaveLength(1);
    expect(leaders[0]!.data.term).toBe(1);
  });

  it('replicates commands to every server and applies them in log order everywhere', () => {
    const { of, result } = run({ clients: { c1: writer(5) } });
    expect(result.outcome).toBe('ok');
    expect(of('answered').map((f) => f.data.result)).toEqual([1, 2, 3, 4, 5]);
    for (const server of servers) {
      const applied = of('applied').filter((f) => f.node === server);
      expect(applied.map((f) => f.data.result)).toEqual([1, 2, 3, 4, 5]);
      expect(applied.map((f) => f.data.index)).toEqual([1, 2, 3, 4, 5]);
    }
  });

  it('elects a new leader when the leader crashes, and keeps serving clients', () => {
    const first = run().of('became-leader')[0]!.node;
    const { of, result } = run({ clients: { c1: writer(10) }, faults: [{ at: ms(600), kind: 'crash', node: first }] });
    expect(result.outcome).toBe('ok');
    const leaders = of('became-leader');
    expect(leaders.length).toBeGreaterThanOrEqual(2);
    expect(leaders[leaders.length - 1]!.node).not.toBe(first);
    expect(of('answered').map((f) => f.data.result)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });

  it('a restarted server keeps its log and term from disk and catches up on what it missed', () => {
    const follower = servers.find((s) => s !== run().of('became-leader')[0]!.node)!;
    const { of, result } = run({ clients: { c1: writer(10) }, faults: [{ at: ms(500), kind: 'crash', node: follower, restartAfter: ms(400) }] });
    expect(result.outcome).toBe('ok');
    const applied = of('applied').filter((f) => f.node === follower);
    // After the restart it applies the whole log again from index 1 (the state machine is volatile), in order.
    const restartAt = of('restart')[0]!.t;
    const again = applied.filter((f) => f.t >= restartAt).map((f) => f.data.index);
    expect(again.slice(0, 3)).toEqual([1, 2, 3]);
    expect(again[again.length - 1]).toBe(10);
    // It never started an election of its own: its term came back from disk and the leader's heartbeats kept it a follower.
    expect(of('became-leader')).toHaveLength(1);
  });

  it('a retried command is applied once: the client sees one result per command', () => {
    // Heavy loss and duplication make clients time out and retry the same sequence number.
    const { of, result } = run({
      clients: { c1: writer(8, ms(20)) },
      faults: [{ at: ms(400), kind: 'degrade', loss: 0.3, duplicate: 0.3, reorder: 0.2, duration: seconds(2) }],
      duration: seconds(5),
    });
    expect(result.outcome).toBe('ok');
    const items = of('applied').filter((f) => f.node === 's1').map((f) => f.data.result);
    expect(new Set(items).size).toBe(items.length);
    expect(of('answered').map((f) => f.data.result)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it('a server in a minority partition cannot commit: no answer until the partition heals', () => {
    const leader = run().of('became-leader')[0]!.node;
    const others = servers.filter((s) => s !== leader);
    const { of, result } = run({
      clients: { c1: writer(3) },
      faults: [
        { at: ms(350), kind: 'partition', groups: [[leader, 'c1'], others], duration: seconds(1) },
      ],
    });
    expect(result.outcome).toBe('ok');
    const committedByOld = of('committed').filter((f) => f.node === leader && f.t > ms(350) && f.t < ms(1350));
    expect(committedByOld).toHaveLength(0);
    expect(of('answered')).toHaveLength(3);
  });
});
