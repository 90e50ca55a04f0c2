import { cutLinks, formatDuration, formatTime, type Fault, type KernelFact, type Micros, type Property } from '../../kernel/index.js';
import type { RaftLockFact } from './facts.js';

const link = (from: string, to: string) => `${from}\u0000${to}`;

/**
 * No grant from the minority side of a partition. The textbook's claim: "clients on
 * the minority side can't acquire new locks". Judged on true network state, from
 * the kernel's `fault`/`recover` facts: a server is on a minority side while it
 * cannot exchange messages both ways with a majority of the servers (itself
 * included). It breaches when a server tells a client it holds the lock, and that
 * server has been on a minority side without a break since before it appended the
 * granting entry: then no majority can have stored the entry. (A grant committed by
 * a majority just before the partition, and answered just after, is legitimate.)
 *
 * Facts: `fault`/`recover` from the kernel, `log-appended` from the Raft servers,
 * `lock-granted` where the token is the log index of the granting entry.
 */
export function noMinorityGrant(servers: readonly string[]): Property<RaftLockFact | KernelFact> {
  const cuts = new Map<Fault, Array<[string, string]>>();
  /** How many partitions in force cut each link: a link is blocked while any does (kept as they come and go, not rebuilt). */
  const blocked = new Map<string, number>();
  const minoritySince = new Map<string, Micros>();
  /** Per server, the true time it appended the entry at each index (indexed by log index). */
  const appendedAt = new Map<string, Micros[]>();

  const count = (links: Array<[string, string]>, by: 1 | -1) => {
    for (const [a, b] of links) {
      const key = link(a, b);
      const left = (blocked.get(key) ?? 0) + by;
      if (left === 0) blocked.delete(key);
      else blocked.set(key, left);
    }
  };
  const update = (t: Micros) => {
    for (const server of servers) {
      let reachable = 0;
      for (const other of servers) if (other === server || (!blocked.has(link(server, other)) && !blocked.has(link(other, server)))) reachable++;
      if (reachable * 2 > servers.length) minoritySince.delete(server);
      else if (!minoritySince.has(server)) minoritySince.set(server, t);
    }
  };

  return {
    name: 'no-minority-grant',
    watches: ['fault', 'recover', 'log-appended', 'lock-granted'],
    observe(fact) {
      switch (fact.kind) {
        case 'fault':
        case 'recover': {
          const { fault } = fact.data;
          if (fault.kind !== 'partition' && fault.kind !== 'partition-oneway' && fault.kind !== 'partition-bridge') return undefined;
          const earlier = cuts.get(fault);
          if (earlier !== undefined) count(earlier, -1);
          cuts.delete(fault);
          if (fact.kind === 'fault') {
            const links = cutLinks(fault);
            cuts.set(fault, links);
            count(links, 1);
          }
          update(fact.t);
          return undefined;
        }
        case 'log-appended': {
          const { from, terms } = fact.data;
          let times = appendedAt.get(fact.node);
          if (times === undefined) appendedAt.set(fact.node, (times = []));
          for (let index = from; index < from + terms.length; index++) times[index] = fact.t;
          return undefined;
        }
        case 'lock-granted': {
          const since = minoritySince.get(fact.node);
          if (since === undefined) return undefined;
          const { resource, client, token } = fact.data;
          const appended = appendedAt.get(fact.node)?.[token] ?? fact.t;
          if (since > appended) return undefined;
          return {
            message:
              `${fact.node} granted '${resource}' to ${client} (token ${token}) while cut off from a majority ` +
              `of ${servers.join(', ')} since ${formatTime(since)}, before it appended the grant at ${formatTime(appended)}`,
            nodes: [fact.node, client],
          };
        }
        default:
          return undefined;
      }
    },
  };
}

/**
 * No grant the log has not committed. A lock service on consensus may tell a client
 * it holds a lock only once the granting entry is committed, that is stored by a
 * majority of the servers (Raft §5.3): then every later leader has it (§5.4) and
 * no other grant can be made over it. Judged on what the servers really stored,
 * never on what the leader believes: each server's log is rebuilt from its
 * `log-appended` facts (Raft writes entries to disk before answering anyone, so
 * these are its durable log), and when a server tells a client it holds the lock
 * (`lock-granted`, token = log index of the granting entry), the entry at that
 * index of its own log must be, at that true time, in the logs of a majority.
 *
 * It catches the grants the storage's fencing absorbs silently, among them those of
 * a leader deposed by a pause alone, which `no-minority-grant` cannot see: no
 * partition, yet no other server ever stored the entry. Whether a committed entry
 * then stays in every later leader's log (the Figure 8 case) is `leader-completeness`'s
 * to judge.
 */
export function noUncommittedGrant(servers: readonly string[]): Property<RaftLockFact> {
  /** Each server's durable log: the id of the entry at each index, index 1 first. */
  const logs = new Map(servers.map((server) => [server, [] as string[]]));
  return {
    name: 'no-uncommitted-grant',
    watches: ['log-appended', 'lock-granted'],
    observe(fact) {
      if (fact.kind === 'log-appended') {
        const log = logs.get(fact.node)!;
        log.length = fact.data.from - 1;
        log.push(...fact.data.ids);
        return undefined;
      }
      if (fact.kind !== 'lock-granted') return undefined;
      const { resource, client, token } = fact.data;
      const told = `${fact.node} told ${client} it holds '${resource}' (token ${token})`;
      const entry = logs.get(fact.node)![token - 1];
      if (entry === undefined) return { message: `${told} but its log has no entry at index ${token}`, nodes: [fact.node, client] };
      const holders = servers.filter((server) => logs.get(server)![token - 1] === entry);
      if (holders.length * 2 > servers.length) return undefined;
      return {
        message:
          `${told} before the grant was committed: only ${holders.join(', ')} of ${servers.join(', ')} had stored its entry ${entry} at index ${token}`,
        nodes: [fact.node, client],
      };
    },
  };
}

/**
 * Liveness: once the last fault has healed, the service elects a leader and grants
 * a pending acquire within `bound`. Judged at the end of the run, and only if the
 * run went on for `bound` after the last fault. Facts: `became-leader`, `lock-granted`.
 */
export function grantsAfterHealing(bound: Micros): Property<RaftLockFact> {
  const grants: Micros[] = [];
  const elections: Micros[] = [];
  return {
    name: 'liveness',
    watches: ['lock-granted', 'became-leader'],
    observe(fact) {
      if (fact.kind === 'lock-granted') grants.push(fact.t);
      else if (fact.kind === 'became-leader') elections.push(fact.t);
      return undefined;
    },
    finish({ t, faultsOverAt }) {
      const deadline = faultsOverAt + bound;
      if (t < deadline || grants.some((g) => g >= faultsOverAt && g <= deadline)) return undefined;
      const lastElection = elections[elections.length - 1];
      return {
        message:
          `liveness violated: no lock was granted within ${formatDuration(bound)} after the last fault healed at ${formatTime(faultsOverAt)}` +
          ` (last leader elected ${lastElection === undefined ? 'never' : `at ${formatTime(lastElection)}`})`,
      };
    },
  };
}
