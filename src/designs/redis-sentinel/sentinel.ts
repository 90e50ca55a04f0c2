import { ConfigError, type Envelope, type Micros, type NodeModel } from '../../kernel/index.js';
import { electedLeader, NO_VOTES, selectReplica, voteEveryRequest, voteLeader, type VoteState } from './election.js';
import { sentinelFact } from './facts.js';
import type { SentinelCommand, SentinelHello, ServerInfo } from './server.js';

/** A client asks a sentinel where the primary is (SENTINEL get-master-addr-by-name). */
export type SentinelQuery = { op: 'get-master-addr-by-name' };
export type SentinelAnswer = { op: 'master-addr'; primary: string };

/**
 * SENTINEL is-master-down-by-addr: "do you see `primary` down?", and, with a `candidate`,
 * "vote for it as the leader of `epoch`". The answer carries the voter's vote in its epoch.
 */
type IsMasterDown = { op: 'is-master-down-by-addr'; primary: string; epoch: number; candidate: string | null };
type IsMasterDownReply = { op: 'is-master-down-reply'; primary: string; down: boolean; leader: string | undefined; leaderEpoch: number };

type SentinelMessage = SentinelQuery | IsMasterDown | IsMasterDownReply | SentinelHello | ServerInfo | { op: 'ok' };

export interface SentinelOptions {
  /** Every sentinel, this one included. */
  sentinels: readonly string[];
  /** The Redis nodes (Redis discovers replicas through the primary's INFO; here they are listed). */
  servers: readonly string[];
  /** The primary in the initial configuration (epoch 0). */
  primary: string;
  /** Sentinels that must see the primary down for ODOWN (`sentinel monitor … <quorum>`). */
  quorum: number;
  /** `down-after-milliseconds`: no valid reply for this long is SDOWN. */
  downAfter: Micros;
  /**
   * How often, at most, it sends INFO/PING to every server and asks the others while it
   * sees SDOWN. Each wait is drawn between half of it and all of it: Redis changes its
   * sentinel timer's rate at random (10 to 19 Hz, `sentinelTimer`) so that sentinels
   * started together do not act in lockstep and split every vote.
   */
  period: Micros;
  /** How often it publishes its hello (every 2 s in Redis). */
  helloInterval: Micros;
  /** `failover-timeout`: an election or a promotion that takes longer is abandoned; the next try waits twice this. */
  failoverTimeout: Micros;
  /** How it answers vote requests: once per epoch, as Redis does (the default), or, as a planted bug, every time. */
  votes?: 'once-per-epoch' | 'every-request';
}

/** A sentinel's durable state: its votes and the configuration it believes (Redis persists both in sentinel.conf). */
interface Durable {
  votes: VoteState;
  config: { primary: string; epoch: number };
}

/** A failover this sentinel runs: collecting votes, then waiting to see its chosen replica report itself primary. */
interface Failover {
  epoch: number;
  startedAt: Micros;
  votes: Map<string, string>;
  promoting?: string;
}

/**
 * Redis Sentinel (redis.io, "High availability with Redis Sentinel"), one of several:
 * it PINGs (here: INFO) every server each `period`; the primary silent for `downAfter` is
 * SDOWN to it ("SDOWN and ODOWN failure state"); it then asks the other sentinels, and
 * with `quorum` of them (itself included) agreeing, the primary is ODOWN. ODOWN starts a
 * failover in a new epoch: the sentinel votes for itself and asks the others for their
 * vote; each votes once per epoch ("Configuration epochs"), and only a majority (and at
 * least `quorum`) authorizes it ("Quorum"). The leader promotes the replica with the
 * largest replication offset ("Replica selection and priority"), and once that replica
 * reports itself primary, publishes the new configuration with its epoch; a higher epoch
 * always wins ("Configuration propagation"). Any sentinel, outside failovers, turns a
 * server that contradicts its configuration for long enough into a replica of its primary:
 * an old primary that comes back is demoted ("Sentinel reconfiguration of instances
 * outside the failover procedure"). Not modelled: TILT mode, replicas' own SDOWN beyond
 * not answering, sentinel discovery (the list is configured).
 */
export function sentinel(options: SentinelOptions): NodeModel<SentinelMessage> {
  const n = options.sentinels.length;
  if (!(Number.isSafeInteger(options.quorum) && options.quorum >= 1 && options.quorum <= n)) {
    throw new ConfigError(`sentinel: quorum must be between 1 and the number of sentinels (${n}), not ${options.quorum}`);
  }
  for (const field of ['downAfter', 'period', 'helloInterval', 'failoverTimeout'] as const) {
    if (!(options[field] > 0)) throw new ConfigError(`sentinel: ${field} must be positive`);
  }
  if (!options.servers.includes(options.primary)) throw new ConfigError(`sentinel: the primary '${options.primary}' is not one of the servers (${options.servers.join(', ')})`);
  /** Answers from other sentinels that saw the primary down count for this long (Redis: five asking periods). */
  const reportValidity = 5 * options.period;
  /** A server must contradict the configuration this long before it is reconfigured: longer than a hello period, so a sentinel rejoining with a stale configuration hears the newer one first (Redis: four publish periods). */
  const reconfigureAfter = 4 * options.helloInterval;
  const vote = options.votes === 'every-request' ? voteEveryRequest : voteLeader;

  return (ctx) => {
    const others = options.sentinels.filter((s) => s !== ctx.id);
    let durable = ctx.disk.get<Durable>('sentinel') ?? { votes: NO_VOTES, config: { primary: options.primary, epoch: 0 } };
    const persist = (next: Durable) => {
      durable = next;
      ctx.disk.set('sentinel', durable);
    };
    /** When each server last gave a valid reply (by this sentinel's clock, as Redis's mstime). */
    const lastValid = new Map<string, Micros>(options.servers.map((s) => [s, ctx.now()]));
    const infos = new Map<string, ServerInfo>();
    const downReports = new Map<string, Micros>();
    const wrongSince = new Map<string, Micros>();
    let failover: Failover | undefined;
    /** No failover of its own before this (Redis: `failover_start_time` + 2 × failover-timeout). */
    let nextFailoverAt: Micros = 0;

    const sdown = () => ctx.now() - lastValid.get(durable.config.primary)! > options.downAfter;
    const odown = () => sdown() && 1 + [...downReports.values()].filter((t) => ctx.now() - t <= reportValidity).length >= options.quorum;
    const holdOff = () => ctx.now() + 2 * options.failoverTimeout + ctx.random.int(0, options.helloInterval);
    let shown = '';
    const annotate = () => {
      const state = failover ? `failover epoch ${failover.epoch}${failover.promoting ? `: promoting ${failover.promoting}` : ''}` : odown() ? 'ODOWN' : sdown() ? 'SDOWN' : 'ok';
      const text = `${durable.config.primary}|${durable.config.epoch}|${durable.votes.currentEpoch}|${state}`;
      if (text === shown) return;
      shown = text;
      ctx.annotate({ primary: durable.config.primary, epoch: durable.config.epoch, currentEpoch: durable.votes.currentEpoch, state });
    };

    const switchTo = (primary: string, epoch: number) => {
      persist({ ...durable, config: { primary, epoch } });
      lastValid.set(primary, ctx.now());
      downReports.clear();
      wrongSince.clear();
    };
    const hello = () => {
      const message: SentinelHello = { op: 'hello', sentinel: ctx.id, primary: durable.config.primary, configEpoch: durable.config.epoch };
      for (const server of options.servers) ctx.send(server, message);
    };
    const askOthers = (candidate: string | null) => {
      const request: IsMasterDown = { op: 'is-master-down-by-addr', primary: durable.config.primary, epoch: durable.votes.currentEpoch, candidate };
      for (const other of others) ctx.send(other, request);
    };

    function tick() {
      for (const server of options.servers) ctx.send(server, { op: 'info' } satisfies SentinelCommand);
      if (sdown()) askOthers(failover && !failover.promoting ? ctx.id : null);
      if (!failover && odown() && ctx.now() >= nextFailoverAt) startFailover();
      if (failover) advanceFailover(failover);
      annotate();
    }

    function startFailover() {
      const epoch = durable.votes.currentEpoch + 1;
      persist({ ...durable, votes: voteLeader({ ...durable.votes, currentEpoch: epoch }, epoch, ctx.id, ctx.id).state });
      failover = { epoch, startedAt: ctx.now(), votes: new Map([[ctx.id, ctx.id]]) };
      nextFailoverAt = holdOff();
      ctx.log(() => `+odown ${durable.config.primary}; +new-epoch ${epoch}; +try-failover: asking for votes`);
      askOthers(ctx.id);
    }

    function advanceFailover(f: Failover) {
      if (ctx.now() - f.startedAt > options.failoverTimeout) {
        ctx.probe(f.promoting ? 'failover abandoned: the promoted replica never reported itself primary' : 'failover election timed out without a majority');
        ctx.log(() => `-failover-abort epoch ${f.epoch}${f.promoting ? `: ${f.promoting} never reported itself primary` : `: ${f.votes.size} votes`}`);
        failover = undefined;
        return;
      }
      if (f.promoting) return;
      const elected = electedLeader(f.votes, n, options.quorum);
      if (elected?.leader !== ctx.id) return;
      sentinelFact(ctx, 'failover-authorized', { sentinel: ctx.id, epoch: f.epoch, votes: elected.votes });
      ctx.probe('failover authorized by a majority of sentinels');
      const fresh = (s: string) => ctx.now() - lastValid.get(s)! <= options.downAfter;
      const candidates = options.servers.filter((s) => s !== durable.config.primary && infos.get(s)?.role === 'replica' && fresh(s));
      const chosen = selectReplica(candidates.map((node) => ({ node, offset: infos.get(node)!.offset })));
      if (chosen === undefined) {
        ctx.log(() => `-failover-abort-no-good-replica epoch ${f.epoch}`);
        failover = undefined;
        return;
      }
      ctx.log(() => `+elected-leader epoch ${f.epoch} (${elected.votes} votes); +selected-replica ${chosen} at offset ${infos.get(chosen)!.offset}: REPLICAOF NO ONE`);
      f.promoting = chosen;
      ctx.send(chosen, { op: 'replicaof', master: null } satisfies SentinelCommand);
    }

    /** INFO from a server: liveness, offsets, the end of a promotion, and servers that contradict the configuration. */
    function onInfo(info: ServerInfo, from: string): void {
      infos.set(from, info);
      const primary = durable.config.primary;
      // "a logical master that advertises itself as a replica in the INFO output is considered to be down"
      if (from !== primary || info.role === 'master') lastValid.set(from, ctx.now());
      if (failover?.promoting === from && info.role === 'master') {
        const { epoch } = failover;
        ctx.log(() => `+promoted-replica ${from}; +switch-master ${primary} -> ${from} in epoch ${epoch}`);
        const replicas = options.servers.filter((s) => s !== from && s !== primary && infos.get(s)?.role === 'replica');
        switchTo(from, epoch);
        failover = undefined;
        for (const replica of replicas) ctx.send(replica, { op: 'replicaof', master: from } satisfies SentinelCommand);
        hello();
        annotate();
        return;
      }
      const wrong = from !== primary && !failover && (info.role === 'master' || info.master !== primary);
      if (!wrong) {
        wrongSince.delete(from);
        return;
      }
      const since = wrongSince.get(from) ?? ctx.now();
      wrongSince.set(from, since);
      const primaryLooksSane = infos.get(primary)?.role === 'master' && !sdown();
      if (ctx.now() - since < reconfigureAfter || !primaryLooksSane) return;
      if (info.role === 'master') {
        ctx.probe('old primary demoted: reconfigured as a replica of the new one');
        ctx.log(() => `+convert-to-replica ${from}: it still claims to be primary; the configuration of epoch ${durable.config.epoch} says ${primary}`);
      } else ctx.log(() => `+fix-replica-config ${from}: REPLICAOF ${primary}`);
      ctx.send(from, { op: 'replicaof', master: primary } satisfies SentinelCommand);
      wrongSince.delete(from);
    }

    const nextTick = () => ctx.setTimer(ctx.random.int(Math.ceil(options.period / 2), options.period), 'tick');
    nextTick();
    ctx.setTimer(options.helloInterval, 'hello');
    annotate();

    return {
      onMessage(msg: SentinelMessage, envelope: Envelope) {
        switch (msg.op) {
          case 'get-master-addr-by-name':
            return ctx.reply(envelope, { op: 'master-addr', primary: durable.config.primary } satisfies SentinelAnswer);
          case 'info':
            return onInfo(msg, envelope.from);
          case 'is-master-down-by-addr': {
            const mine = msg.primary === durable.config.primary;
            let { leader, leaderEpoch } = durable.votes;
            // Redis finds the master by the address asked about: a sentinel whose configuration names another primary does not vote.
            if (mine && msg.candidate !== null) {
              const given = vote(durable.votes, msg.epoch, msg.candidate, ctx.id);
              if (given.state !== durable.votes) persist({ ...durable, votes: given.state });
              if (given.votedForOther) {
                ctx.log(() => `+vote-for-leader ${given.leader} epoch ${given.leaderEpoch}`);
                nextFailoverAt = holdOff();
              }
              ({ leader, leaderEpoch } = given);
            }
            annotate();
            return ctx.reply(envelope, { op: 'is-master-down-reply', primary: msg.primary, down: mine && sdown(), leader, leaderEpoch } satisfies IsMasterDownReply);
          }
          case 'is-master-down-reply':
            if (msg.primary !== durable.config.primary) return;
            if (msg.down) downReports.set(envelope.from, ctx.now());
            else downReports.delete(envelope.from);
            if (failover && !failover.promoting && msg.leader !== undefined && msg.leaderEpoch === failover.epoch) failover.votes.set(envelope.from, msg.leader);
            return;
          case 'hello': {
            if (msg.configEpoch > durable.votes.currentEpoch) persist({ ...durable, votes: { ...durable.votes, currentEpoch: msg.configEpoch } });
            if (msg.configEpoch <= durable.config.epoch) return annotate();
            ctx.log(() => `+config-update-from ${msg.sentinel}: primary ${msg.primary} in epoch ${msg.configEpoch}`);
            if (failover && failover.epoch <= msg.configEpoch) failover = undefined;
            switchTo(msg.primary, msg.configEpoch);
            return annotate();
          }
          case 'ok':
            return;
        }
      },
      onTimer(tag: 'tick' | 'hello') {
        if (tag === 'tick') {
          tick();
          nextTick();
        } else {
          hello();
          ctx.setTimer(options.helloInterval, 'hello');
        }
      },
    };
  };
}
