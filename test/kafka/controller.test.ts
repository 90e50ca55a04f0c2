import { describe, expect, it } from 'vitest';
import { ms, seconds, Simulation, type Fact, type Fault, type KernelFact, type NodeContext } from '../../src/kernel/index.js';
import { controllerMachine, type ControllerMetadata } from '../../src/designs/kafka/controller.js';
import type { KafkaFact } from '../../src/designs/kafka/facts.js';
import type { ControllerCommand } from '../../src/designs/kafka/protocol.js';
import { baseSystem, buildKafka, CONTROLLERS, placement } from '../../src/designs/kafka/system.js';
import type { RaftFact } from '../../src/designs/raft/facts.js';
import { raftTiming } from '../../src/designs/raft/system.js';

type Seen = Fact<KafkaFact | RaftFact | KernelFact>;

describe('the controller state machine', () => {
  // The machine alone, as every controller replica applies it: a context that only counts probes.
  const probes: string[] = [];
  const ctx = { probe: (name: string) => void probes.push(name), annotate() {} } as unknown as NodeContext;
  const options = { controllers: CONTROLLERS, timing: raftTiming, partitions: placement({ brokers: 3, partitions: 1, replicationFactor: 3 }), sessionTimeout: ms(400), uncleanElection: false };
  const machine = controllerMachine(options)(ctx);
  /** Applies commands at log indexes 1, 2, …; returns the state after the last. */
  const applyAll = (commands: ControllerCommand[], from: ControllerMetadata = machine.initial) =>
    commands.reduce((state, command, i) => machine.apply(state, command, i + 1).state, from);
  const heartbeat = (broker: string, incarnation = 1): ControllerCommand => ({ type: 'heartbeat', broker, incarnation });

  it('elects the first live ISR member in replica order, in epoch 1, once it registers', () => {
    const [p] = applyAll([heartbeat('broker-2'), heartbeat('broker-1')]).partitions;
    expect(p).toMatchObject({ leader: 'broker-2', epoch: 1, isr: ['broker-1', 'broker-2', 'broker-3'] });
  });

  it('fences a broker only if no heartbeat of it was applied after the one the fence names', () => {
    const registered = applyAll([heartbeat('broker-1'), heartbeat('broker-2'), heartbeat('broker-3')]);
    // broker-1 heartbeats again at index 4: a fence decided on its heartbeat at index 1 changes nothing.
    const renewed = machine.apply(registered, heartbeat('broker-1'), 4).state;
    expect(machine.apply(renewed, { type: 'fence', broker: 'broker-1', heartbeat: 1 }, 5).state).toBe(renewed);
    const fenced = machine.apply(registered, { type: 'fence', broker: 'broker-1', heartbeat: 1 }, 4).state;
    expect(fenced.partitions[0]).toMatchObject({ leader: 'broker-2', epoch: 2, isr: ['broker-2', 'broker-3'] });
  });

  it('refuses an ISR change based on an older ISR version, or from a leader of an older epoch', () => {
    const state = applyAll([heartbeat('broker-1'), heartbeat('broker-2'), heartbeat('broker-3')]);
    const p = state.partitions[0]!;
    const shrink: ControllerCommand = { type: 'alter-isr', broker: 'broker-1', partition: 0, epoch: p.epoch, isrVersion: p.isrVersion, isr: ['broker-1', 'broker-2'] };
    const shrunk = machine.apply(state, shrink, 4).state;
    expect(shrunk.partitions[0]).toMatchObject({ isr: ['broker-1', 'broker-2'], isrVersion: p.isrVersion + 1 });
    expect(machine.apply(shrunk, { ...shrink, isr: ['broker-1', 'broker-3'] }, 5).state).toBe(shrunk);
    expect(machine.apply(state, { ...shrink, epoch: p.epoch - 1 }, 4).state).toBe(state);
  });

  it('gives a restarted broker a new epoch for the partitions it led, and takes it out of the ISR', () => {
    const state = applyAll([heartbeat('broker-1'), heartbeat('broker-2'), heartbeat('broker-3'), heartbeat('broker-1', 2)]);
    expect(state.partitions[0]).toMatchObject({ leader: 'broker-2', epoch: 2, isr: ['broker-2', 'broker-3'] });
    expect(probes).toContain('broker registered again after a restart');
  });

  it('as active controller, proposes a fence once a session has gone its length unrenewed; a new active controller starts every session afresh', () => {
    const state = applyAll([heartbeat('broker-1')]);
    const sessionBeats = ms(400) / raftTiming.heartbeat;
    const ticks = (n: number) => Array.from({ length: n }, () => machine.leaderTick!(state)).flat();
    expect(ticks(sessionBeats - 1)).toEqual([]);
    machine.elected!();
    expect(ticks(sessionBeats - 1)).toEqual([]);
    expect(ticks(1)).toEqual([{ type: 'fence', broker: 'broker-1', heartbeat: 1 }]);
  });
});

describe('a controller quorum under faults', () => {
  const duration = seconds(4);
  /** One producer, one record every 25 ms from 0.5 s: by then the quorum has an active controller and the partition a leader. */
  const script = Array.from({ length: 100 }, (_, i) => ({ client: 'producer-1', at: ms(500 + 25 * i), kind: 'produce' as const, partition: 0 }));

  function run(faults: Fault[]) {
    const sim = new Simulation({ seed: 1, network: { latency: { min: ms(1), max: ms(3) } } });
    const facts: Seen[] = [];
    sim.property({ name: 'recorder', observe: (fact) => void facts.push(fact as Seen) });
    buildKafka(sim, { ...baseSystem(duration), producers: 1, workload: { script }, duration });
    sim.schedule(faults);
    const result = sim.run(duration);
    const of = <K extends Seen['kind']>(kind: K) => facts.filter((f): f is Extract<Seen, { kind: K }> => f.kind === kind);
    return { of, probes: result.probes, violation: result.violation };
  }

  // Who is active at 1.2 s, and who leads the partition at 1.8 s, in the run without faults (the runs are the same until the first fault).
  const calm = run([]);
  const activeController = calm.of('became-leader').filter((f) => f.t < seconds(1.2)).at(-1)!.node;
  const partitionLeader = calm.of('became-partition-leader').filter((f) => f.t < seconds(1.8)).at(-1)!.node;

  /** Each (epoch → leader) named by any controller's applied change or any broker's takeover, failing the test on a second leader for one epoch. */
  const leadersByEpoch = (facts: Array<Fact<KafkaFact>>) => {
    const named = new Map<number, string>();
    for (const f of facts) {
      const [epoch, leader] = f.kind === 'partition-changed' ? [f.data.epoch, f.data.leader] : [(f.data as { epoch: number }).epoch, f.node];
      expect(named.get(epoch) ?? leader, `epoch ${epoch}`).toBe(leader);
      named.set(epoch, leader);
    }
    return named;
  };

  it('fails over to a standby mid-run, which goes on from the committed metadata: no leader epoch is reused for another leader', () => {
    const { of, probes, violation } = run([
      { at: seconds(1.2), kind: 'crash', node: activeController, restartAfter: ms(500) },
      { at: seconds(1.8), kind: 'crash', node: partitionLeader, restartAfter: ms(700) },
    ]);
    expect(violation).toBeUndefined();
    expect(probes['controller failover']).toBeGreaterThan(0);
    const successor = of('became-leader').find((f) => f.t > seconds(1.2))!;
    expect(successor.node).not.toBe(activeController);
    // The partition's leader crashed under the new active controller, which elected another in the next epoch.
    const before = of('partition-changed').filter((f) => f.t < seconds(1.2)).map((f) => f.data.epoch);
    const after = of('partition-changed').filter((f) => f.node === successor.node && f.t > successor.t);
    expect(after.some((f) => f.data.leader !== partitionLeader && f.data.epoch > Math.max(...before))).toBe(true);
    const leaders = leadersByEpoch([...of('partition-changed'), ...of('became-partition-leader')].sort((a, b) => a.t - b.t));
    expect(new Set(leaders.values()).size).toBeGreaterThan(1);
    // The restarted controller applied the same decisions again from its log.
    expect(of('partition-changed').some((f) => f.node === activeController && f.t > seconds(1.7))).toBe(true);
    // The producer's records go on being acknowledged by the new partition leader.
    expect(of('produce-acked').some((f) => f.t > seconds(2.5))).toBe(true);
  });

  it('an active controller cut off from the other controllers applies nothing; the majority elects another, which fences the broker cut off with it', () => {
    const others = ['broker-1', 'broker-2', 'broker-3', ...CONTROLLERS, 'producer-1'].filter((n) => n !== activeController && n !== partitionLeader);
    const cut: Fault = { at: seconds(1.2), kind: 'partition', groups: [[activeController, partitionLeader], others], duration: seconds(1) };
    const { of, violation } = run([cut]);
    expect(violation).toBeUndefined();
    const during = <T extends Seen>(facts: T[]) => facts.filter((f) => f.node === activeController && f.t > seconds(1.2) && f.t < seconds(2.2));
    // It still took the broker's requests into its log, but none committed, so none was applied or answered.
    expect(during(of('log-appended')).length).toBeGreaterThan(0);
    expect(during(of('committed'))).toEqual([]);
    expect(during(of('partition-changed'))).toEqual([]);
    const newLeader = of('became-partition-leader').find((f) => f.t > seconds(1.2))!;
    expect(newLeader.node).not.toBe(partitionLeader);
    expect(newLeader.t).toBeLessThan(seconds(2.2));
    leadersByEpoch([...of('partition-changed'), ...of('became-partition-leader')].sort((a, b) => a.t - b.t));
  });
});
