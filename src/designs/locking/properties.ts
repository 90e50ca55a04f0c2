import { formatTime, type KernelFact, type Micros, type Property } from '../../kernel/index.js';
import type { LockFact } from './facts.js';

/**
 * Mutual exclusion, judged on what clients really did at true times: no client
 * enters its critical section on a resource while another client is inside it.
 * A client that crashes leaves its critical section (its process is gone).
 */
export function mutualExclusion(): Property<LockFact | KernelFact> {
  const holders = new Map<string, { client: string; since: Micros }>();
  return {
    name: 'mutual-exclusion',
    watches: ['cs-enter', 'cs-exit', 'crash'],
    observe(fact) {
      switch (fact.kind) {
        case 'crash':
          for (const [resource, holder] of holders) if (holder.client === fact.node) holders.delete(resource);
          return undefined;
        case 'cs-exit':
          if (holders.get(fact.data.resource)?.client === fact.node) holders.delete(fact.data.resource);
          return undefined;
        case 'cs-enter': {
          const { resource } = fact.data;
          const holder = holders.get(resource);
          if (holder && holder.client !== fact.node) {
            return {
              message: `${fact.node} entered the critical section on '${resource}' while ${holder.client} has been in it since ${formatTime(holder.since)}`,
              nodes: [holder.client, fact.node],
            };
          }
          holders.set(resource, { client: fact.node, since: fact.t });
          return undefined;
        }
      }
      return undefined;
    },
  };
}

/**
 * No double write, judged at the storage: writes the storage accepts must follow
 * the order in which the lock service granted the lock. Once it has accepted a
 * write made under one grant, accepting a write made under an earlier grant means
 * two holders' writes interleaved: the earlier holder's lease had already moved on.
 *
 * Grants are ordered by their fencing tokens (a replicated service may tell clients
 * of its grants out of that order, for instance a deposed leader answering late).
 * The same grant reported again (a retried request answered by another replica)
 * is one grant.
 */
export function noDoubleWrite(): Property<LockFact | KernelFact> {
  interface Grant {
    client: string;
    token: number;
    t: Micros;
  }
  const latestGrant = new Map<string, Grant>(); // key: resource + client
  const byToken = new Map<string, Grant>(); // key: resource + token
  const lastAccepted = new Map<string, Grant>(); // key: resource
  const grantKey = (resource: string, client: string) => `${resource}\u0000${client}`;
  const tokenKey = (resource: string, token: number) => `${resource}\u0000${token}`;
  return {
    name: 'no-double-write',
    watches: ['lock-granted', 'storage-write'],
    observe(fact) {
      if (fact.kind === 'lock-granted') {
        const { resource, client, token } = fact.data;
        const key = grantKey(resource, client);
        if (latestGrant.get(key)?.token !== token) latestGrant.set(key, { client, token, t: fact.t });
        if (!byToken.has(tokenKey(resource, token))) byToken.set(tokenKey(resource, token), { client, token, t: fact.t });
        return undefined;
      }
      if (fact.kind !== 'storage-write' || !fact.data.accepted) return undefined;
      const { resource, client, token } = fact.data;
      // A write that carries its token was made under the grant of that token (a client
      // granted twice may have both writes still on their way); one without, under the
      // client's latest grant.
      const grant = token === null ? latestGrant.get(grantKey(resource, client)) : byToken.get(tokenKey(resource, token));
      if (grant === undefined || grant.client !== client) {
        return { message: `the storage accepted a write to '${resource}' from ${client}, which was never granted the lock${token === null ? '' : ` with token ${token}`}`, nodes: [client, fact.node] };
      }
      const previous = lastAccepted.get(resource);
      if (previous && previous.token > grant.token) {
        return {
          message:
            `the storage accepted ${client}'s write to '${resource}' under its grant of ${formatTime(grant.t)} (token ${grant.token}) ` +
            `after accepting ${previous.client}'s write under the later grant of ${formatTime(previous.t)} (token ${previous.token})`,
          nodes: [client, previous.client, fact.node],
        };
      }
      lastAccepted.set(resource, grant);
      return undefined;
    },
  };
}

/**
 * Fencing tokens never go down at the storage: it never accepts a write carrying a
 * token lower than one it has already accepted for that resource.
 */
export function tokensNeverDecrease(): Property<LockFact | KernelFact> {
  const highest = new Map<string, { token: number; client: string; t: Micros }>();
  return {
    name: 'tokens-never-decrease',
    watches: ['storage-write'],
    observe(fact) {
      if (fact.kind !== 'storage-write' || !fact.data.accepted || fact.data.token === null) return undefined;
      const { resource, client, token } = fact.data;
      const top = highest.get(resource);
      if (top && token < top.token) {
        return {
          message: `the storage accepted ${client}'s write to '${resource}' with token ${token} after accepting ${top.client}'s with token ${top.token} at ${formatTime(top.t)}`,
          nodes: [client, top.client, fact.node],
        };
      }
      if (!top || token > top.token) highest.set(resource, { token, client, t: fact.t });
      return undefined;
    },
  };
}

/**
 * Fencing tokens increase with every grant, in true time: each grant of a resource
 * carries a token greater than every token granted for it before. A service that
 * hands out a token again (one that kept its counter in memory and restarted) breaks
 * this even when the storage, still holding the higher token, refuses every write made
 * under it: no-double-write orders grants by token, so it cannot see the reuse.
 * The same grant reported again (a retry answered from the service's record of it,
 * possibly after later grants) is one grant: so a token reissued to the very client it
 * went to before goes unnoticed here, and is left to no-double-write.
 */
export function fencingTokensIncrease(): Property<LockFact | KernelFact> {
  const highest = new Map<string, { token: number; client: string; t: Micros }>(); // key: resource
  const granted = new Set<string>(); // resource, client and token of every grant so far
  return {
    name: 'fencing-tokens-increase',
    watches: ['lock-granted'],
    observe(fact) {
      if (fact.kind !== 'lock-granted') return undefined;
      const { resource, client, token } = fact.data;
      const grant = `${resource}\u0000${client}\u0000${token}`;
      if (granted.has(grant)) return undefined;
      granted.add(grant);
      const top = highest.get(resource);
      if (top === undefined || token > top.token) {
        highest.set(resource, { token, client, t: fact.t });
        return undefined;
      }
      return {
        message: `${fact.node} granted '${resource}' to ${client} with token ${token}, not above token ${top.token} granted to ${top.client} at ${formatTime(top.t)}`,
        nodes: [fact.node, client, top.client],
      };
    },
  };
}
