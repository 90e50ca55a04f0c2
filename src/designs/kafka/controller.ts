import type { Micros, NodeContext, NodeModel } from '../../kernel/index.js';
import { openSession, submit, type Cluster } from '../raft/client.js';
import type { RaftMessage, StateMachine } from '../raft/core.js';
import { raftServer, type RaftTiming } from '../raft/server.js';
import { kafkaFact } from './facts.js';
import type { ControllerCommand, ControllerState, PartitionState } from './protocol.js';

export interface ControllerOptions {
  /** The controller quorum: every member runs this state machine on the Raft log. */
  controllers: readonly string[];
  timing: RaftTiming;
  partitions: PartitionState[];
  /** A broker whose heartbeats the active controller has not applied for this long is fenced: out of every ISR, and no longer a leader. */
  sessionTimeout: Micros;
  /** unclean.leader.election.enable: with no live ISR member, elect any live replica (it may lack committed records). */
  uncleanElection: boolean;
  /**
   * `keep`: a bug variant that moves leadership off a fenced broker without a new
   * leader epoch ("a failover, not an election"), so two leaders share one epoch,
   * which the epoch exists to tell apart (KIP-101). Default `bump`.
   */
  epochOnFencing?: 'bump' | 'keep';
}

/** A broker as the metadata log records it (KRaft's broker registration). */
interface BrokerRegistration {
  /** The process that registered (Kafka's broker epoch): a different one is the broker restarted. */
  incarnation: number;
  /** Fenced: its session lapsed; it leads nothing and is elected to nothing until it heartbeats again. */
  fenced: boolean;
  /** The log index of its last applied heartbeat: the active controller ages its session from there. */
  heartbeat: number;
}

/** The metadata log's state: every partition, and every broker that has registered. */
export interface ControllerMetadata {
  partitions: readonly PartitionState[];
  brokers: ReadonlyMap<string, BrokerRegistration>;
}

/**
 * The controller's decisions as a replicated state machine on the Raft log, as KRaft
 * keeps them (KIP-500, KIP-631: the controllers form a Raft quorum over the metadata
 * log; its leader is the **active controller**, the others are hot standbys that
 * apply the same log). Every decision is a function of the log prefix before it, so
 * every controller reaches the same one, and none is seen before it is committed
 * (KIP-631: "the active controller must not make this future state visible to the
 * rest of the cluster until it has been made persistent"; for AlterIsr it "handles
 * this by not sending back a response until the designated change has been persisted").
 *
 * It elects partition leaders from the ISR (Kafka documentation, "Replicated Logs:
 * Quorums, In-Sync Replicas, Elections": only members of the ISR are eligible), in
 * replica order among the live (registered, unfenced) brokers, bumps the leader epoch
 * at every leader change, fences a broker whose session lapsed (removing it from the
 * ISR, but never the last member, as Kafka keeps the last ISR member to elect when it
 * returns), applies a leader's ISR change when its epoch and ISR version are current,
 * and treats a broker that registers again after a restart as fenced first: it must
 * catch up before it is in sync again (its page cache may be gone).
 *
 * Sessions: KRaft keeps broker sessions in the active controller's memory and writes
 * only registrations and fencing to the log; here every heartbeat is a log entry (a
 * service on the Raft model has one door, the log), and the active controller ages
 * each broker's session in its own Raft heartbeats (a monotonic clock), proposing a
 * `fence` once a session has gone `sessionTimeout` without a heartbeat applied, as
 * the Raft lock service expires leases. A new active controller starts every session
 * afresh, as KRaft's `ClusterControlManager.activate()` touches every registered broker.
 */
export function controllerMachine(options: ControllerOptions) {
  const sessionBeats = Math.ceil(options.sessionTimeout / options.timing.heartbeat);
  const initial: ControllerMetadata = { partitions: options.partitions, brokers: new Map() };

  return (ctx: NodeContext): StateMachine<ControllerCommand, ControllerMetadata, ControllerState> => {
    const live = (brokers: ControllerMetadata['brokers'], broker: string) => brokers.get(broker)?.fenced === false;

    /**
     * A new leader (in a new epoch) if the current one is not a live ISR member, or if
     * `force`d (its broker restarted or was fenced): the first live ISR member in replica order.
     */
    const elect = (brokers: ControllerMetadata['brokers'], p: PartitionState, force = false, bump = 1): PartitionState => {
      if (!force && p.leader !== '' && live(brokers, p.leader) && p.isr.includes(p.leader)) return p;
      const clean = p.replicas.find((r) => p.isr.includes(r) && live(brokers, r));
      if (clean !== undefined) return { ...p, leader: clean, epoch: p.epoch + bump };
      const unclean = options.uncleanElection ? p.replicas.find((r) => live(brokers, r)) : undefined;
      if (unclean !== undefined) {
        ctx.probe('unclean leader election');
        return { ...p, leader: unclean, epoch: p.epoch + 1, isr: [unclean] };
      }
      return p.leader === '' ? p : { ...p, leader: '', epoch: p.epoch + 1 };
    };

    /** Out of every ISR (but never the last member), and a new leader wherever it led. */
    const fenceOut = (brokers: ControllerMetadata['brokers'], partitions: readonly PartitionState[], broker: string) =>
      partitions.map((p) => {
        const isr = p.isr.includes(broker) && p.isr.length > 1 ? p.isr.filter((r) => r !== broker) : p.isr;
        if (p.leader === broker) return elect(brokers, { ...p, isr }, true, options.epochOnFencing === 'keep' ? 0 : 1);
        return isr === p.isr ? p : { ...p, isr };
      });

    /** The next state: every partition that changed gets a new ISR version (a change based on an older one is refused). */
    const next = (state: ControllerMetadata, brokers: ControllerMetadata['brokers'], changed: readonly PartitionState[]) => {
      const same = changed.every((p, i) => p === state.partitions[i]);
      const partitions = same ? state.partitions : changed.map((p, i) => (p === state.partitions[i] ? p : { ...p, isrVersion: state.partitions[i]!.isrVersion + 1 }));
      const after: ControllerMetadata = same && brokers === state.brokers ? state : { partitions, brokers };
      return { state: after, result: { type: 'state', partitions } satisfies ControllerState };
    };

    const withBroker = (brokers: ControllerMetadata['brokers'], broker: string, registration: BrokerRegistration) => new Map(brokers).set(broker, registration);

    /** Heartbeats (by broker and heartbeat index) the active controller has counted since each was applied. */
    let ages = new Map<string, number>();
    /** What this replica last reported: the partitions after the last command it applied. */
    let reported: readonly PartitionState[] = options.partitions;
    let appliedAny = false;

    return {
      initial,
      apply(state, command, index) {
        switch (command.type) {
          case 'heartbeat': {
            const known = state.brokers.get(command.broker);
            const brokers = withBroker(state.brokers, command.broker, { incarnation: command.incarnation, fenced: false, heartbeat: index });
            let partitions = state.partitions;
            if (known !== undefined && known.incarnation !== command.incarnation) {
              ctx.probe('broker registered again after a restart');
              partitions = fenceOut(brokers, partitions, command.broker);
            }
            return next(state, brokers, partitions.map((p) => elect(brokers, p)));
          }
          case 'fence': {
            const known = state.brokers.get(command.broker);
            // Heard from since the active controller decided, or fenced already: nothing to do.
            if (known === undefined || known.fenced || known.heartbeat !== command.heartbeat) return next(state, state.brokers, state.partitions);
            ctx.probe('broker session expired');
            const brokers = withBroker(state.brokers, command.broker, { ...known, fenced: true });
            return next(state, brokers, fenceOut(brokers, state.partitions, command.broker));
          }
          case 'alter-isr': {
            const changed = state.partitions.map((p) =>
              p.partition === command.partition && p.leader === command.broker && p.epoch === command.epoch && p.isrVersion === command.isrVersion && command.isr.includes(p.leader)
                ? { ...p, isr: command.isr }
                : p,
            );
            return next(state, state.brokers, changed);
          }
          case 'metadata':
            return next(state, state.brokers, state.partitions);
        }
      },
      leaderTick(state) {
        const proposals: ControllerCommand[] = [];
        const counted = new Map<string, number>();
        for (const [broker, registration] of state.brokers) {
          if (registration.fenced) continue;
          const key = `${broker}@${registration.heartbeat}`;
          const age = (ages.get(key) ?? 0) + 1;
          counted.set(key, age);
          // Proposed once the session has gone its length unrenewed, and again every session length until applied.
          if (age % sessionBeats === 0) proposals.push({ type: 'fence', broker, heartbeat: registration.heartbeat });
        }
        ages = counted;
        return proposals;
      },
      elected() {
        ages = new Map();
        // A standby that has applied its predecessor's metadata takes over as the active controller.
        if (appliedAny) ctx.probe('controller failover');
      },
      applied(_command, result) {
        appliedAny = true;
        if (result.partitions === reported) return;
        for (const [i, p] of result.partitions.entries()) {
          const before = reported[i]!;
          if (p === before) continue;
          kafkaFact(ctx, 'partition-changed', { partition: p.partition, epoch: p.epoch, leader: p.leader, isr: p.isr, unclean: p.leader !== '' && !before.isr.includes(p.leader) });
        }
        reported = result.partitions;
        ctx.annotate(() => Object.fromEntries(reported.map((p) => [`p${p.partition}`, `${p.leader || 'offline'} e${p.epoch} isr[${p.isr.join(' ')}]`])));
      },
    };
  };
}

/** One member of the controller quorum: a Raft server whose state machine is the controller. */
export function controller(options: ControllerOptions): NodeModel<RaftMessage<ControllerCommand>> {
  return raftServer({ servers: options.controllers, timing: options.timing, machine: controllerMachine(options) });
}

/** What a broker or client knows of the controller quorum: its members, and the one it last found active. */
export const controllerQuorum = (controllers: readonly string[]): Cluster => ({ servers: controllers, leader: undefined });

/**
 * Sends one command to the active controller and returns every partition's state once
 * the command is committed and applied; a standby answers with a redirect to the active
 * controller (KRaft's NOT_CONTROLLER), and an unanswered try is sent to another
 * controller after `timeout`. Each command has a session of its own, so its retries are
 * applied once and no command waits behind another. `attempts` bounds the tries
 * (undefined: until answered); undefined is returned when they run out.
 */
export function* askController(ctx: NodeContext, quorum: Cluster, command: ControllerCommand, timeout: Micros, attempts?: number) {
  return yield* submit<ControllerCommand, ControllerState>(ctx, openSession(ctx, quorum), command, { timeout, attempts });
}
