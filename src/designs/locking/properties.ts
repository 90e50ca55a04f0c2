import { formatTime, type Fact, type Property } from '../../kernel/index.js';

/**
 * Mutual exclusion, judged on what clients really did at true times: no client
 * enters its critical section on a resource while another client is inside it.
 * A client that crashes leaves its critical section (its process is gone).
 *
 * Facts: `cs-enter` and `cs-exit` with `{ resource }`, from the client node.
 */
export function mutualExclusion(): Property {
  const holders = new Map<string, { client: string; since: number }>();
  return {
    name: 'mutual-exclusion',
    observe(fact: Fact) {
      if (fact.kind === 'crash') {
        for (const [resource, holder] of holders) if (holder.client === fact.node) holders.delete(resource);
        return undefined;
      }
      const resource = fact.data.resource as string;
      if (fact.kind === 'cs-exit') {
        if (holders.get(resource)?.client === fact.node) holders.delete(resource);
        return undefined;
      }
      if (fact.kind !== 'cs-enter') return undefined;
      const holder = holders.get(resource);
      if (holder && holder.client !== fact.node) {
        return {
          message: `${fact.node} entered the critical section on '${resource}' while ${holder.client} has been in it since ${formatTime(holder.since)}`,
          nodes: [holder.client, fact.node],
        };
      }
      holders.set(resource, { client: fact.node, since: fact.t });
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
 * A service that hands out numeric fencing tokens orders its grants by them (a
 * replicated service may tell clients of its grants out of that order, for
 * instance a deposed leader answering late); without tokens, grants are ordered
 * as they were made. The same grant reported again (a retried request answered
 * by another replica) is one grant.
 *
 * Facts: `lock-granted { resource, client, token }` from the lock service, as it
 * really grants; `storage-write { resource, client, token, accepted }` from the storage.
 */
export function noDoubleWrite(): Property {
  interface Grant {
    index: number;
    client: string;
    token: unknown;
    t: number;
  }
  const grantsByResource = new Map<string, number>();
  const latestGrant = new Map<string, Grant>(); // key: resource + client
  const lastAccepted = new Map<string, Grant>(); // key: resource
  return {
    name: 'no-double-write',
    observe(fact: Fact) {
      const resource = fact.data.resource as string;
      const client = fact.data.client as string;
      if (fact.kind === 'lock-granted') {
        const key = `${resource}\u0000${client}`;
        const token = fact.data.token;
        if (token !== undefined && latestGrant.get(key)?.token === token) return undefined;
        const index = typeof token === 'number' ? token : (grantsByResource.get(resource) ?? 0) + 1;
        grantsByResource.set(resource, index);
        latestGrant.set(key, { index, client, token, t: fact.t });
        return undefined;
      }
      if (fact.kind !== 'storage-write' || fact.data.accepted !== true) return undefined;
      const grant = latestGrant.get(`${resource}\u0000${client}`);
      if (grant === undefined) {
        return { message: `the storage accepted a write to '${resource}' from ${client}, which was never granted the lock`, nodes: [client, fact.node] };
      }
      const previous = lastAccepted.get(resource);
      if (previous && previous.index > grant.index) {
        return {
          message:
            `the storage accepted ${client}'s write to '${resource}' under its grant of ${formatTime(grant.t)} (token ${String(grant.token)}) ` +
            `after accepting ${previous.client}'s write under the later grant of ${formatTime(previous.t)} (token ${String(previous.token)})`,
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
 *
 * Facts: `storage-write { resource, client, token, accepted }` from the storage.
 */
export function tokensNeverDecrease(): Property {
  const highest = new Map<string, { token: number; client: string; t: number }>();
  return {
    name: 'tokens-never-decrease',
    observe(fact: Fact) {
      if (fact.kind !== 'storage-write' || fact.data.accepted !== true || typeof fact.data.token !== 'number') return undefined;
      const resource = fact.data.resource as string;
      const client = fact.data.client as string;
      const token = fact.data.token;
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
