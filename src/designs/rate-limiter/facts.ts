import { factEmitter, type Micros } from '../../kernel/index.js';
import type { MemoryInfo } from '../redis/keyspace.js';
import type { ScriptContext } from '../redis/server.js';

/**
 * A limiter's decision about one request, recorded where the decision is committed
 * (the store's script, or the API server for local, read-then-write, fail-open and
 * fail-closed decisions), at that true time. `delay` is how long the request waits
 * before it is served (the leaky bucket's queue): the request counts as admitted at
 * t + delay. `cause` is `limit` (the algorithm decided), `fail-open` or `fail-closed`
 * (the store did not answer in time). `system` names the limiter where several run side by side.
 * `cost` is the request's units (AllowN's n), present only when it is not 1.
 */
export type Decided = {
  system: string;
  user: string;
  tier: string;
  request: string;
  allowed: boolean;
  delay: Micros;
  cause: 'limit' | 'fail-open' | 'fail-closed';
  cost?: number;
};

/**
 * The rate limiter's facts:
 * - `decided`: see `Decided`;
 * - `answered { system, requests, latency, delays, commands }`, one per batch an API server
 *   answers: `latency` is the time the limiter added (on the server's clock), `delays` the
 *   extra waits of requests the leaky bucket queued, `commands` the store commands sent;
 * - `limiter-memory { system, users, keys, entries, bytes }`: the peak memory of a system's
 *   limiter state during its traffic, and how many users were active.
 */
export type LimiterFact =
  | { kind: 'decided'; data: Decided }
  | { kind: 'answered'; data: { system: string; requests: number; latency: Micros; delays: Micros[]; commands: number } }
  | { kind: 'limiter-memory'; data: { system: string; users: number } & Pick<MemoryInfo, 'keys' | 'entries' | 'bytes'> };

export const limiterFact = factEmitter<LimiterFact>();

/** The API server's half of a `decided` fact: who asked, sent with the script call as its `meta`. */
export type DecisionMeta = Omit<Decided, 'allowed' | 'delay'>;

/**
 * The store script's half of a `decided` fact: the store merges the call's
 * `DecisionMeta` into it, so the fact is recorded at the true time the script ran.
 */
export function scriptDecided(redis: ScriptContext, decision: Pick<Decided, 'allowed' | 'delay'>): void {
  redis.fact('decided' satisfies LimiterFact['kind'], decision);
}
