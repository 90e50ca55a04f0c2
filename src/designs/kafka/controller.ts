import { ms, type Envelope, type Micros, type NodeModel } from '../../kernel/index.js';
import { kafkaFact } from './facts.js';
import type { ControllerRequest, ControllerState, PartitionState } from './protocol.js';

export interface ControllerOptions {
  partitions: PartitionState[];
  /** A broker not heard from for this long is fenced: out of every ISR, and no longer a leader. */
  sessionTimeout: Micros;
  /** unclean.leader.election.enable: with no live ISR member, elect any live replica (it may lack committed records). */
  uncleanElection: boolean;
}

/**
 * The controller, as a single node with its state on disk (a synced write per
 * change). KRaft runs this state machine on a Raft quorum of controllers; a single
 * controller is the first step the brief allows: it makes the controller's own
 * availability a single point of failure, not its decisions unsafe, since every
 * decision is persisted before anyone hears of it.
 *
 * It elects partition leaders from the ISR (Kafka documentation, "Replicated Logs:
 * Quorums, In-Sync Replicas, Elections": only members of the ISR are eligible), bumps
 * the leader epoch at every leader change, fences brokers whose session expired
 * (removing them from the ISR, but never the last member, as Kafka keeps the last
 * ISR member to elect when it returns), applies the leaders' ISR changes when their
 * epoch is current, and treats a broker that registers again after a restart as
 * fenced: it must catch up before it is in sync again (its page cache may be gone).
 */
export function controller(options: ControllerOptions): NodeModel<ControllerRequest> {
  return (ctx) => {
    let partitions: PartitionState[] = ctx.disk.get<PartitionState[]>('partitions') ?? options.partitions;
    // Each broker's incarnation as last registered: a different one is a broker that restarted.
    const incarnations = new Map(Object.entries(ctx.disk.get<Record<string, number>>('incarnations') ?? {}));
    // Volatile: after the controller restarts, no broker is live until it is heard from again.
    const sessions = new Map<string, Micros>();
    const alive = (b: string) => sessions.has(b) && ctx.now() - sessions.get(b)! <= options.sessionTimeout;

    const save = (changed: PartitionState[]) => {
      const next = changed.map((p, i) => (p === partitions[i] ? p : { ...p, isrVersion: partitions[i]!.isrVersion + 1 }));
      for (const p of next) {
        const before = partitions.find((q) => q.partition === p.partition)!;
        if (p !== before) kafkaFact(ctx, 'partition-changed', { partition: p.partition, epoch: p.epoch, leader: p.leader, isr: p.isr, unclean: p.leader !== '' && !before.isr.includes(p.leader) });
      }
      partitions = next;
      ctx.disk.set('partitions', partitions);
      ctx.annotate(Object.fromEntries(partitions.map((p) => [`p${p.partition}`, `${p.leader || 'offline'} e${p.epoch} isr[${p.isr.join(' ')}]`])));
    };

    /**
     * A new leader (in a new epoch) if the current one is not a live ISR member, or if
     * `force`d (its broker restarted): the first live ISR member in replica order.
     */
    const elect = (p: PartitionState, force = false): PartitionState => {
      if (!force && p.leader !== '' && alive(p.leader) && p.isr.includes(p.leader)) return p;
      const clean = p.replicas.find((r) => p.isr.includes(r) && alive(r));
      if (clean !== undefined) return { ...p, leader: clean, epoch: p.epoch + 1 };
      const unclean = options.uncleanElection ? p.replicas.find(alive) : undefined;
      if (unclean !== undefined) {
        ctx.probe('unclean leader election');
        return { ...p, leader: unclean, epoch: p.epoch + 1, isr: [unclean] };
      }
      return p.leader === '' ? p : { ...p, leader: '', epoch: p.epoch + 1 };
    };

    const fence = (broker: string) => {
      save(partitions.map((p) => {
        const isr = p.isr.includes(broker) && p.isr.length > 1 ? p.isr.filter((r) => r !== broker) : p.isr;
        if (p.leader === broker) return elect({ ...p, isr }, true);
        return isr === p.isr ? p : { ...p, isr };
      }));
    };

    const electOffline = () => {
      const next = partitions.map((p) => elect(p));
      if (next.some((p, i) => p !== partitions[i])) save(next);
    };

    const state = (): ControllerState => ({ type: 'state', partitions });

    const tick = () => {
      for (const b of [...sessions.keys()]) {
        if (!alive(b)) {
          sessions.delete(b);
          ctx.probe('broker session expired');
          fence(b);
        }
      }
      ctx.setTimer(ms(10), 'tick');
    };
    ctx.setTimer(ms(10), 'tick');

    return {
      onTimer: tick,
      onMessage(msg, envelope: Envelope<ControllerRequest>) {
        if (msg.type === 'heartbeat') {
          const from = envelope.from;
          const known = incarnations.get(from);
          sessions.set(from, ctx.now());
          if (known !== msg.incarnation) {
            incarnations.set(from, msg.incarnation);
            ctx.disk.set('incarnations', Object.fromEntries(incarnations));
            if (known !== undefined) {
              ctx.probe('broker registered again after a restart');
              fence(from);
            }
          }
          electOffline();
        } else if (msg.type === 'alter-isr') {
          const p = partitions.find((q) => q.partition === msg.partition);
          if (p && p.leader === envelope.from && p.epoch === msg.epoch && p.isrVersion === msg.isrVersion && msg.isr.includes(p.leader)) {
            save(partitions.map((q) => (q === p ? { ...p, isr: msg.isr } : q)));
          }
        }
        ctx.reply(envelope, state());
      },
    };
  };
}
