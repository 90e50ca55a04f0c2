import { call, ConfigError, type Envelope, type Micros, type NodeContext, type NodeModel } from '../../kernel/index.js';
import { Keyspace, type DataCommand } from '../redis/keyspace.js';
import type { PipelineReply, RedisCommand, RedisReply } from '../redis/server.js';
import type { SentinelAnswer } from '../redis/sentinel.js';
import { algorithmNamed, checkLimit, decideOn, whiteboard, type AlgorithmName, type BackwardClock, type Limit } from './algorithms.js';
import { limiterFact, type Decided, type DecisionMeta } from './facts.js';
import { seedScriptArgs } from './scripts.js';
import type { RequestBatch } from './traffic.js';

/**
 * Where the limiter's state lives and how it is updated:
 * - `store-script`: one atomic script per request on the central store, timed by the store's clock;
 * - `seed-script`: the textbook's Lua script, timed by this server's clock (sliding log only);
 * - `read-then-write`: read the state, decide here, write it back: two round trips, not atomic;
 * - `local`: each server limits alone, in its own memory, with the full limit;
 * - `hybrid`: count locally, add the counts to the store every `syncInterval` and
 *   take back the totals (counter algorithms only); `timeout` bounds a sync, which is
 *   off the request path (a sync that times out is retried whole at the next one).
 * When the store does not answer a request's commands within `timeout`, a server fails
 * `open` (admits) or `closed` (denies).
 */
export type Deployment =
  | { kind: 'store-script' | 'seed-script' | 'read-then-write'; timeout: Micros; onStoreDown: 'open' | 'closed' }
  | { kind: 'local' }
  | { kind: 'hybrid'; syncInterval: Micros; timeout: Micros };

export interface ApiServerOptions {
  /** Names the system in facts, when several are simulated side by side. */
  system: string;
  algorithm: AlgorithmName;
  /** The token bucket's behaviour when the clock timing it steps back (see `BackwardClock`; default `keep-later`). */
  onBackwardClock?: BackwardClock;
  tiers: Record<string, Limit>;
  deployment: Deployment;
  /** The store's primary (not needed for `local`). */
  store?: string;
  /** Asked where the primary is after the store fails to answer. */
  sentinel?: string;
}

/** An API server running a limiter client: requests come in batches, each gets a decision. */
export function apiServer(options: ApiServerOptions): NodeModel {
  const algorithm = algorithmNamed(options.algorithm, { onBackwardClock: options.onBackwardClock });
  for (const [name, limit] of Object.entries(options.tiers)) checkLimit(name, limit);
  const deployment = options.deployment;
  if (deployment.kind !== 'local' && options.store === undefined) throw new ConfigError(`${options.system}: a ${deployment.kind} deployment needs a store`);
  if (deployment.kind === 'seed-script' && algorithm.name !== 'sliding-log') throw new ConfigError(`the seed script is a sliding window log, not ${algorithm.name}`);
  if (deployment.kind === 'hybrid' && !algorithm.counters) throw new ConfigError(`hybrid sync adds up counters; ${algorithm.name} keeps none (use fixed-window or sliding-counter)`);
  if (deployment.kind === 'hybrid' && deployment.syncInterval <= 0) throw new ConfigError('hybrid: syncInterval must be positive');
  if (deployment.kind !== 'local' && deployment.timeout <= 0) throw new ConfigError(`${deployment.kind}: timeout must be positive`);
  const { system, tiers } = options;
  const limitOf = (tier: string): Limit => {
    const limit = tiers[tier];
    if (!limit) throw new ConfigError(`${system}: no tier named '${tier}'`);
    return limit;
  };
  const keyOf = (user: string) => `rl:${user}`;
  const costOf = (batch: RequestBatch, i: number) => batch.costs?.[i] ?? 1;
  /** Adds the fact's `cost`, only where it is not 1 (so the facts of unit requests read as before); set, not spread, as a spread costs per request. */
  const withCost = <T extends { cost?: number }>(fields: T, batch: RequestBatch, i: number): T => {
    const cost = costOf(batch, i);
    if (cost !== 1) fields.cost = cost;
    return fields;
  };

  return (ctx) => {
    const local = new Keyspace();
    let primary = options.store;
    let askingSentinel = false;

    const decided = (batch: RequestBatch, i: number, allowed: boolean, delay: Micros, cause: Decided['cause']) =>
      limiterFact(ctx, 'decided', withCost<Decided>({ system, user: batch.users[i]!, tier: batch.tiers[i]!, request: String(batch.ids[i]!), allowed, delay, cause }, batch, i));
    const answered = (requests: number, latency: Micros, delays: Micros[], commands: number) =>
      limiterFact(ctx, 'answered', { system, requests, latency, delays, commands });

    const findPrimary = () => {
      if (!options.sentinel || askingSentinel) return;
      askingSentinel = true;
      ctx.spawn(
        (function* ask() {
          const answer = yield* call<SentinelAnswer>(options.sentinel!, { op: 'who-is-primary' }, 'timeout' in deployment ? deployment.timeout * 10 : 0);
          if (answer.ok) primary = answer.body.node;
          askingSentinel = false;
        })(),
      );
    };

    const storeDown = (batch: RequestBatch, i: number) => {
      const open = 'onStoreDown' in deployment && deployment.onStoreDown === 'open';
      decided(batch, i, open, 0, open ? 'fail-open' : 'fail-closed');
      ctx.annotate(() => ({ decision: `${keyOf(batch.users[i]!)} ${open ? 'allowed' : 'denied'}: the store did not answer (failing ${open ? 'open' : 'closed'})` }));
    };

    function* viaStore(commands: RedisCommand[], timeout: Micros) {
      const reply = yield* call<PipelineReply>(primary!, { op: 'pipeline', commands }, timeout);
      if (!reply.ok || reply.body.replies.some((r) => r.op === 'error')) findPrimary();
      return reply.ok ? reply.body.replies : undefined;
    }

    const scripted = (batch: RequestBatch, timeout: Micros, evalOf: (i: number, limit: Limit, meta: DecisionMeta) => RedisCommand) =>
      ctx.spawn(
        (function* script() {
          const started = ctx.now();
          const commands = batch.ids.map((id, i) =>
            evalOf(i, limitOf(batch.tiers[i]!), withCost<DecisionMeta>({ system, user: batch.users[i]!, tier: batch.tiers[i]!, request: String(id), cause: 'limit' }, batch, i)),
          );
          const replies = yield* viaStore(commands, timeout);
          const delays: Micros[] = [];
          batch.ids.forEach((_, i) => {
            const r = replies?.[i];
            if (r === undefined || r.op !== 'eval') return storeDown(batch, i);
            // The store's own scripts answer the leaky bucket's delay; the seed script answers 1.
            if (deployment.kind === 'store-script' && (r.value as number) > 0) delays.push(r.value as number);
          });
          answered(batch.ids.length, ctx.now() - started, delays, commands.length);
        })(),
      );

    const readThenWrite = (batch: RequestBatch, timeout: Micros) =>
      ctx.spawn(
        (function* readThenWrite() {
          const now = ctx.now();
          const reads = batch.ids.map((_, i) => algorithm.read(keyOf(batch.users[i]!), now, limitOf(batch.tiers[i]!)));
          const commands = reads.flat();
          const replies = yield* viaStore(commands, timeout);
          const writes: DataCommand[] = [];
          const delays: Micros[] = [];
          let next = 0;
          reads.forEach((read, i) => {
            const mine = replies?.slice(next, (next += read.length));
            if (mine === undefined || mine.some((r) => r.op === 'error')) return storeDown(batch, i);
            const limit = limitOf(batch.tiers[i]!);
            const decision = algorithm.decide(algorithm.state(mine.map(valueOf), now, limit), now, limit, costOf(batch, i));
            decided(batch, i, decision.allowed, decision.delay, 'limit');
            ctx.annotate(() => whiteboard(algorithm, keyOf(batch.users[i]!), decision, now, limit));
            if (decision.delay > 0) delays.push(decision.delay);
            if (decision.allowed) writes.push(...algorithm.write(keyOf(batch.users[i]!), now, limit, decision.state, String(batch.ids[i]!), costOf(batch, i)));
          });
          if (writes.length > 0) ctx.send(primary!, { op: 'pipeline', commands: writes });
          answered(batch.ids.length, ctx.now() - now, delays, commands.length + writes.length);
        })(),
      );

    const pending = new Map<string, { count: number; ttl: Micros }>();
    // The request being decided locally: its time and cost (one function for every request, not one made per request).
    let decidingAt: Micros = 0;
    let decidingCost = 1;
    /** The local keyspace at the decision's time; under hybrid, noting each counter a local decision raises (by the request's cost). */
    const localCall = (command: DataCommand) => {
      if (deployment.kind === 'hybrid' && command.op === 'set') {
        const entry = pending.get(command.key);
        if (entry === undefined) pending.set(command.key, { count: decidingCost, ttl: command.ttl ?? 0 });
        else {
          // In place: a sync takes the entries it sends out of `pending` first, so none of them is changed here.
          entry.count += decidingCost;
          entry.ttl = command.ttl ?? 0;
        }
      }
      return local.execute(command, decidingAt);
    };

    const decideLocally = (batch: RequestBatch) => {
      const now = ctx.now();
      const delays: Micros[] = [];
      batch.ids.forEach((id, i) => {
        const cost = costOf(batch, i);
        decidingAt = now;
        decidingCost = cost;
        const decision = decideOn(localCall, algorithm, keyOf(batch.users[i]!), now, limitOf(batch.tiers[i]!), String(id), cost);
        decided(batch, i, decision.allowed, decision.delay, 'limit');
        ctx.annotate(decision.shown);
        if (decision.delay > 0) delays.push(decision.delay);
      });
      answered(batch.ids.length, 0, delays, 0);
    };

    const sync =
      deployment.kind === 'hybrid'
        ? hybridSync(ctx, { deployment, pending, local, primary: () => primary!, sent: (commands) => answered(0, 0, [], commands), storeDown: findPrimary })
        : undefined;
    if (deployment.kind === 'hybrid') ctx.setTimer(deployment.syncInterval, 'sync');

    return {
      onTimer() {
        if (deployment.kind !== 'hybrid') return;
        ctx.spawn(sync!());
        ctx.setTimer(deployment.syncInterval, 'sync');
      },
      onMessage(message: RequestBatch | { op: 'info-memory' } | { op: 'flushall' } | PipelineReply, envelope: Envelope) {
        switch (message.op) {
          case 'info-memory':
            return ctx.reply(envelope, { op: 'info-memory', value: local.totalMemory(ctx.now()) });
          case 'flushall':
            local.execute({ op: 'flushall' }, ctx.now());
            return;
          case 'pipeline':
            return; // the store's answer to a write we did not wait for
          case 'requests':
            switch (deployment.kind) {
              case 'local':
              case 'hybrid':
                return decideLocally(message);
              case 'read-then-write':
                return readThenWrite(message, deployment.timeout);
              case 'store-script':
                return scripted(message, deployment.timeout, (i, limit, meta) => {
                  const args = [limit.limit, limit.window, limit.burst ?? 0, String(message.ids[i]!)];
                  return { op: 'eval', script: algorithm.script, keys: [keyOf(message.users[i]!)], args: costOf(message, i) === 1 ? args : [...args, costOf(message, i)], meta };
                });
              case 'seed-script':
                return scripted(message, deployment.timeout, (i, limit, meta) => ({
                  op: 'eval', script: 'seed-sliding-log', keys: [keyOf(message.users[i]!)], args: seedScriptArgs(limit, ctx.now()), meta,
                }));
            }
        }
      },
    };
  };
}

function valueOf(reply: RedisReply) {
  return 'value' in reply ? reply.value : null;
}

/**
 * Hybrid sync: every interval, add each counter's local increments to the store
 * (INCRBY) and take back the total, to which the increments made meanwhile are added.
 * Between syncs a server sees other servers' requests only as of the last sync.
 */
interface HybridSync {
  deployment: Extract<Deployment, { kind: 'hybrid' }>;
  /** The increments of each counter made locally since the last sync, and its TTL. */
  pending: Map<string, { count: number; ttl: Micros }>;
  local: Keyspace;
  /** The store's primary, as the server last learned it. */
  primary: () => string;
  /** Told how many store commands each sync sends. */
  sent: (commands: number) => void;
  /** Told when the store did not answer a sync. */
  storeDown: () => void;
}

function hybridSync(ctx: NodeContext, { deployment, pending, local, primary, sent, storeDown }: HybridSync) {
  return function* sync() {
    const batch = [...pending];
    pending.clear();
    if (batch.length === 0) return;
    const commands: DataCommand[] = batch.flatMap(([key, { count, ttl }]): DataCommand[] => [
      { op: 'incrby', key, by: count },
      { op: 'pexpire', key, ttl },
    ]);
    sent(commands.length);
    const reply = yield* call<PipelineReply>(primary(), { op: 'pipeline', commands }, deployment.timeout);
    const now = ctx.now();
    batch.forEach(([key, { count, ttl }], i) => {
      const total = reply.ok ? reply.body.replies[2 * i] : undefined;
      const since = pending.get(key);
      if (total === undefined || total.op === 'error' || !('value' in total)) {
        // The store did not take them: keep them for the next sync.
        pending.set(key, { count: count + (since?.count ?? 0), ttl });
        return;
      }
      local.execute({ op: 'set', key, value: String((total.value as number) + (since?.count ?? 0)), ttl }, now);
    });
    if (!reply.ok) storeDown();
  };
}
