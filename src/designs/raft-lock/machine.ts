import type { Micros, NodeContext } from '../../kernel/index.js';
import type { StateMachine } from '../raft/core.js';

/** The lock service's operations: every one goes through the Raft log. */
export type LockCommand =
  | { type: 'acquire'; resource: string; client: string; ttl: Micros }
  | { type: 'renew'; resource: string; client: string; token: number }
  | { type: 'release'; resource: string; client: string; token: number }
  /** Proposed by the leader when a lease has gone a TTL without renewal; `refreshedAt` names the grant or renewal it saw last. */
  | { type: 'expire'; resource: string; token: number; refreshedAt: number };

export type LockResult =
  | { type: 'granted'; token: number }
  | { type: 'held'; by: string }
  | { type: 'renewed' }
  | { type: 'released' }
  | { type: 'expired' }
  /** The lease named is not (or no longer) the caller's: released, expired, or granted to someone else since. */
  | { type: 'not-held' };

/** A lease: the textbook's Lock { owner, lease_id, fence_token, expires_at }, with the lease id and token both the grant's log index. */
export interface Lease {
  client: string;
  token: number;
  ttl: Micros;
  /** Log index of the grant or the latest renewal. */
  refreshedAt: number;
  /** Only with `expiry: 'local-clock'`: when the lease ends on this replica's own wall clock. */
  expiresAt?: Micros;
}

export interface LockState {
  leases: ReadonlyMap<string, Lease>;
}

export interface LockMachineOptions {
  /**
   * `log`: a lease ends only by an `expire` entry the leader proposes, so every
   * replica ends it at the same point of the log. `local-clock` (the bug): each
   * replica decides at apply time, on its own wall clock, whether a lease has
   * run out, so replicas whose clocks disagree reach different answers.
   * `leader-timers` (the bug): as `log`, but the leader counts only the leases it
   * saw granted or renewed while leading, as expiry timers armed in its memory at
   * each grant would: a lease inherited at an election is never expired, and a
   * holder that died with it keeps the lock for ever.
   */
  expiry: 'log' | 'local-clock' | 'leader-timers';
  /** The Raft heartbeat: the leader counts a lease's age in its heartbeats, a monotonic clock. */
  heartbeat: Micros;
}

/** Names a lease as its leader's age count knows it: the grant and its latest renewal. */
const ageKey = (lease: Lease) => `${lease.token}/${lease.refreshedAt}`;

const withLease = (state: LockState, resource: string, lease: Lease | undefined): LockState => {
  const leases = new Map(state.leases);
  if (lease) leases.set(resource, lease);
  else leases.delete(resource);
  return { leases };
};

/**
 * The lock table as a replicated state machine. The fencing token of a grant is
 * the log index of the granting entry: it grows with every grant, and every
 * replica computes the same one.
 */
export function lockMachine(options: LockMachineOptions) {
  return (ctx: NodeContext): StateMachine<LockCommand, LockState, LockResult> => {
    const localClock = options.expiry === 'local-clock';
    const live = (lease: Lease | undefined): Lease | undefined => (lease && (!localClock || ctx.now() < lease.expiresAt!) ? lease : undefined);
    const refreshed = (lease: Lease, index: number): Lease => ({ ...lease, refreshedAt: index, ...(localClock ? { expiresAt: ctx.now() + lease.ttl } : {}) });
    /** Heartbeats the leader has counted since it last saw each lease granted or renewed (key: token/refreshedAt). */
    let ages = new Map<string, number>();
    /** With `leader-timers`: the leases this leader found in the table when it first ticked, which it never counts. */
    let inherited: Set<string> | undefined;

    return {
      initial: { leases: new Map() },
      apply(state, command, index) {
        const lease = live(state.leases.get(command.resource));
        switch (command.type) {
          case 'acquire': {
            if (lease) return { state, result: { type: 'held', by: lease.client } };
            const granted = refreshed({ client: command.client, token: index, ttl: command.ttl, refreshedAt: index }, index);
            return { state: withLease(state, command.resource, granted), result: { type: 'granted', token: index } };
          }
          case 'renew':
            if (lease?.client !== command.client || lease.token !== command.token) return { state, result: { type: 'not-held' } };
            return { state: withLease(state, command.resource, refreshed(lease, index)), result: { type: 'renewed' } };
          case 'release':
            if (lease?.client !== command.client || lease.token !== command.token) return { state, result: { type: 'not-held' } };
            return { state: withLease(state, command.resource, undefined), result: { type: 'released' } };
          case 'expire':
            if (lease?.token !== command.token || lease.refreshedAt !== command.refreshedAt) return { state, result: { type: 'not-held' } };
            ctx.probe('lease expired through the log');
            return { state: withLease(state, command.resource, undefined), result: { type: 'expired' } };
        }
      },
      leaderTick(state) {
        if (localClock) return [];
        const proposals: LockCommand[] = [];
        const next = new Map<string, number>();
        if (options.expiry === 'leader-timers') inherited ??= new Set([...state.leases.values()].map(ageKey));
        for (const [resource, lease] of state.leases) {
          const key = ageKey(lease);
          if (inherited?.has(key)) continue;
          const age = (ages.get(key) ?? 0) + 1;
          next.set(key, age);
          // Propose once the lease has gone a whole TTL unrenewed, and again every TTL until the expiry is applied.
          const ttlInBeats = Math.ceil(lease.ttl / options.heartbeat);
          if (age % ttlInBeats === 0) proposals.push({ type: 'expire', resource, token: lease.token, refreshedAt: lease.refreshedAt });
        }
        ages = next;
        return proposals;
      },
      elected() {
        ages = new Map();
        inherited = undefined;
      },
    };
  };
}
