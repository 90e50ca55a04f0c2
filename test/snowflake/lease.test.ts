import { describe, expect, it } from 'vitest';
import { ms, seconds, Simulation, type Fact, type Fault, type Micros, type NodeModel } from '../../src/kernel/index.js';
import { nodeIdLeaseService } from '../../src/designs/snowflake/coordinator.js';
import { parseId } from '../../src/designs/snowflake/id.js';
import type { LeaseTiming } from '../../src/designs/snowflake/lease-holder.js';
import { snowflakeNode, type IdReply } from '../../src/designs/snowflake/node.js';

const timing: LeaseTiming = { coordinator: 'coordinator', ttl: seconds(1), renewEvery: ms(200), margin: ms(200), timeout: ms(100), retryEvery: ms(100), aheadMs: 500 };
const fixedLatency = { latency: { min: ms(1), max: ms(1) } };

/** Asks `node` for one ID at each of `times`, and records the answers with their true times. */
function prober(node: string, times: Micros[], answers: Array<{ t: Micros; reply: IdReply }>, sim: Simulation): NodeModel {
  return (ctx) => {
    for (const at of times) ctx.setTimer(at, 'ask');
    return {
      onTimer: () => ctx.send(node, { op: 'next-ids', count: 1 }),
      onMessage: (reply: IdReply) => void answers.push({ t: sim.trueTime, reply }),
    };
  };
}

/** Two leased ID nodes and a coordinator with `pool` ids; `b`'s clock is `bOffset` off. */
function leaseWorld(options: { pool: number; bOffset?: Micros; faults?: Fault[]; floor?: boolean; probeB?: Micros[] }) {
  const sim = new Simulation({ seed: 1, network: fixedLatency });
  const facts: Fact[] = [];
  sim.property({ name: 'record', observe: (fact) => void facts.push(fact) });
  const policy = { backwards: 'wait', arithmetic: 'bigint' } as const;
  sim.node('coordinator', nodeIdLeaseService({ ids: options.pool }));
  sim.node('a', snowflakeNode(policy, { kind: 'lease', timing, floor: options.floor ?? true }));
  sim.node('b', snowflakeNode(policy, { kind: 'lease', timing, floor: options.floor ?? true }), { clockOffset: options.bOffset ?? 0 });
  const answersA: Array<{ t: Micros; reply: IdReply }> = [];
  const answersB: Array<{ t: Micros; reply: IdReply }> = [];
  sim.node('probe-a', prober('a', [ms(50), ms(600), ms(900), ms(1_100)], answersA, sim));
  sim.node('probe-b', prober('b', options.probeB ?? [ms(50), seconds(3)], answersB, sim));
  sim.schedule(options.faults ?? []);
  sim.run(seconds(4));
  const leases = facts.filter((f) => f.kind === 'node-id-leased').map((f) => f.data as { nodeId: number; holder: string; floorMs: number; reservedUntilMs: number });
  return { facts, leases, answersA, answersB };
}

describe('node-id leases', () => {
  it('give distinct ids to distinct nodes while there are free ones', () => {
    const { leases } = leaseWorld({ pool: 2 });
    expect(leases.map((l) => [l.holder, l.nodeId]).sort()).toEqual([['a', 0], ['b', 1]].sort());
  });

  it('make a node without a lease refuse requests, and keep the id with its holder while it renews', () => {
    const { leases, answersA, answersB } = leaseWorld({ pool: 1 });
    expect(leases.map((l) => l.holder)).toEqual(['a']);
    expect(answersA.every((a) => a.reply.ids.length === 1)).toBe(true);
    expect(answersB.map((a) => a.reply)).toEqual([
      { op: 'ids', ids: [], refused: 1, reason: 'no-lease' },
      { op: 'ids', ids: [], refused: 1, reason: 'no-lease' },
    ]);
  });

  it("hand a dead holder's id to the next node only after its lease expired, with the id's reservation as the floor", () => {
    // a crashes at 1 s for good; b's clock is 1.5 s slow, so without the floor it would reuse a's milliseconds.
    const { leases, answersA, answersB } = leaseWorld({ pool: 1, bOffset: -ms(1_500), faults: [{ at: seconds(1), kind: 'crash', node: 'a' }], probeB: [ms(50), ms(2_200)] });
    const [first, second] = leases;
    expect(first!.holder).toBe('a');
    expect(second!.holder).toBe('b');
    expect(second!.floorMs).toBeGreaterThanOrEqual(first!.reservedUntilMs);
    const lastOfA = Math.max(...answersA.flatMap((a) => a.reply.ids.map((id) => parseId(BigInt(id)).timestamp)));
    const firstOfB = parseId(BigInt(answersB.at(-1)!.reply.ids[0]!)).timestamp;
    expect(firstOfB).toBeGreaterThan(second!.floorMs);
    expect(firstOfB).toBeGreaterThan(lastOfA);
  });

  it("let a holder's clock behind the floor reuse its milliseconds when the floor is ignored (the broken variant)", () => {
    const { answersA, answersB } = leaseWorld({ pool: 1, bOffset: -ms(1_500), floor: false, faults: [{ at: seconds(1), kind: 'crash', node: 'a' }], probeB: [ms(50), ms(2_200)] });
    const lastOfA = Math.max(...answersA.flatMap((a) => a.reply.ids.map((id) => parseId(BigInt(id)).timestamp)));
    const firstOfB = parseId(BigInt(answersB.at(-1)!.reply.ids[0]!)).timestamp;
    expect(firstOfB).toBeLessThan(lastOfA);
  });

  it('make a holder cut off from the service stop generating before its lease can have expired there', () => {
    const cut: Fault = { at: ms(300), kind: 'partition', groups: [['a', 'probe-a'], ['coordinator', 'b', 'probe-b']], duration: seconds(2) };
    const { answersA, leases } = leaseWorld({ pool: 2, faults: [cut] });
    // a's last confirmed renewal was sent at 0.2 s and reserved up to 0.7 s on its clock: it refuses
    // timestamps beyond that, and stops believing in its lease at 0.2 s + TTL - margin = 1.0 s, before
    // the service's TTL (from the renewal's arrival) ends it.
    expect(answersA.map((a) => [a.t, a.reply.ids.length, a.reply.reason])).toEqual([
      [ms(52), 1, undefined],
      [ms(602), 1, undefined],
      [ms(902), 0, 'not-reserved'],
      [ms(1_102), 0, 'no-lease'],
    ]);
    expect(leases.filter((l) => l.holder === 'a').length).toBe(2); // and takes a lease again after the partition
  });
});
