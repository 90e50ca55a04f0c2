import type { Micros, NodeModel } from '../../kernel/index.js';
import { lockFact } from '../locking/facts.js';

export type LeaseRequest =
  | { op: 'acquire'; resource: string; client: string; ttl: Micros }
  | { op: 'renew'; resource: string; client: string; token: number; ttl: Micros }
  | { op: 'release'; resource: string; client: string; token: number };

export type LeaseReply =
  | { op: 'acquire'; granted: true; token: number }
  | { op: 'acquire'; granted: false }
  | { op: 'renew' | 'release'; ok: boolean };

interface Lease {
  client: string;
  token: number;
  /** On the server's clock. */
  expiresAt: Micros;
}

export interface LeaseLockServerOptions {
  /**
   * Where the last token handed out is kept: on disk (a restart never reuses one), or
   * in memory (the bug: after a restart the count starts again at 1).
   */
  tokens: 'disk' | 'memory';
}

/**
 * A lease lock service that hands out fencing tokens: every grant of a resource
 * carries a token one higher than the last, kept on disk so a restart never
 * reuses one. Leases expire by the server's clock. This stands for the consensus-
 * backed service of the textbook design (see raft-lock for it built on Raft): the
 * point here is what the client and the storage do with the token.
 */
export function leaseLockServer({ tokens }: LeaseLockServerOptions = { tokens: 'disk' }): NodeModel<LeaseRequest> {
  return (ctx) => {
    const leases = new Map<string, Lease>();
    let inMemory = 0; // the last token, when `tokens` is 'memory': gone at a restart
    const lastToken = () => (tokens === 'disk' ? (ctx.disk.get<number>('last-token') ?? 0) : inMemory);
    const saveToken = (token: number) => (tokens === 'disk' ? ctx.disk.set('last-token', token) : (inMemory = token));
    const current = (resource: string): Lease | undefined => {
      const lease = leases.get(resource);
      return lease && lease.expiresAt > ctx.now() ? lease : undefined;
    };
    const reply = (request: LeaseRequest): LeaseReply => {
      const lease = current(request.resource);
      switch (request.op) {
        case 'acquire': {
          if (lease) return { op: 'acquire', granted: false };
          const lapsed = leases.get(request.resource);
          if (lapsed !== undefined && lapsed.client !== request.client) ctx.probe('lease expired and granted to another client');
          const token = lastToken() + 1;
          saveToken(token);
          leases.set(request.resource, { client: request.client, token, expiresAt: ctx.now() + request.ttl });
          lockFact(ctx, 'lock-granted', { resource: request.resource, client: request.client, token });
          ctx.annotate(() => ({ [request.resource]: `${request.client} token ${token}` }));
          return { op: 'acquire', granted: true, token };
        }
        case 'renew': {
          const ok = lease?.client === request.client && lease.token === request.token;
          if (ok) lease.expiresAt = ctx.now() + request.ttl;
          else ctx.probe('renewal refused: the lease had moved on or was lost');
          return { op: 'renew', ok };
        }
        case 'release': {
          const ok = lease?.client === request.client && lease.token === request.token;
          if (ok) leases.delete(request.resource);
          if (ok) ctx.annotate({ [request.resource]: null });
          return { op: 'release', ok };
        }
      }
    };
    return { onMessage: (request, envelope) => ctx.reply(envelope, reply(request)) };
  };
}
