import { call, checkScript, ConfigError, follow, sleep, stepsOf, type Micros, type NodeModel, type Script } from '../../kernel/index.js';
import { ClientHistory } from '../../check/linearizability/index.js';
import type { SentinelAnswer } from './sentinel.js';
import type { ClientReply } from './server.js';

/** What a client does, as plain data (script steps, and what its random loop generates): SET, GET, or a pause. */
export type RedisKvOp = { kind: 'set'; key: string; value: string } | { kind: 'get'; key: string } | { kind: 'wait'; duration: Micros };
export type RedisKvScript = Script<RedisKvOp>;

export interface RedisKvClientOptions {
  /** The sentinels, in the order it asks them (the one on its own box first). */
  sentinels: readonly string[];
  keys: readonly string[];
  /** How long it waits for a sentinel's or a server's answer. */
  timeout: Micros;
  /** Pause between operations. */
  think: { min: Micros; max: Micros };
  /** Steps typed in instead of the random loop. */
  script?: RedisKvScript;
}

/** Checks a Redis KV script against the run: a ConfigError for the first bad step. */
export function checkRedisKvScript(script: RedisKvScript, clients: readonly string[], duration: Micros): void {
  checkScript<RedisKvOp>(script, {
    what: 'Redis key-value script',
    clients,
    kinds: ['set', 'get', 'wait'],
    duration,
    problem: (op) => {
      if (op.kind === 'wait') return Number.isSafeInteger(op.duration) && op.duration >= 0 ? undefined : 'a wait needs a "duration": microseconds, 0 or more';
      if (typeof op.key !== 'string') return `a ${op.kind} needs a "key"`;
      return op.kind === 'set' && typeof op.value !== 'string' ? 'a set needs a "value" (a string)' : undefined;
    },
  });
}

/**
 * A Sentinel-aware Redis client (redis.io, "Sentinel client spec"): it asks the sentinels
 * in turn where the primary is, takes the first answer, and sends SET and GET there,
 * recording what it saw for the linearizability checker. An error (READONLY: the node is
 * no longer primary; NOREPLICAS) means the command did nothing; a timeout leaves it
 * unknown. After either it asks the sentinels again. Written values are unique
 * (`client-1#7`), so a lost write is unambiguous.
 */
export function redisKvClient(options: RedisKvClientOptions): NodeModel {
  if (options.keys.length === 0) throw new ConfigError('a Redis KV client needs at least one key');
  if (options.sentinels.length === 0) throw new ConfigError('a Redis KV client needs at least one sentinel');
  return (ctx) => {
    const history = new ClientHistory(ctx);
    let primary: string | undefined;

    function* discover() {
      for (const sentinel of options.sentinels) {
        const answer = yield* call<SentinelAnswer>(sentinel, { op: 'get-master-addr-by-name' }, options.timeout);
        if (answer.ok) return answer.body.primary;
      }
      return undefined;
    }
    function* randomLoop(): Generator<RedisKvOp, void, unknown> {
      for (let n = 1; ; n++) {
        const key = ctx.random.pick(options.keys);
        yield ctx.random.chance(0.5) ? { kind: 'set', key, value: `${ctx.id}#${n}` } : { kind: 'get', key };
        yield { kind: 'wait', duration: ctx.random.int(options.think.min, options.think.max) };
      }
    }
    function* perform(op: RedisKvOp) {
      if (op.kind === 'wait') return void (yield* sleep(op.duration));
      primary ??= yield* discover();
      if (primary === undefined) return ctx.log(() => `no sentinel answered: not sending ${op.kind} ${op.key}`);
      history.invoke(op.kind === 'set' ? 'put' : 'get', op.kind === 'set' ? { key: op.key, value: op.value } : { key: op.key });
      const reply = yield* call<ClientReply>(primary, op.kind === 'set' ? { op: 'set', key: op.key, value: op.value } : { op: 'get', key: op.key }, options.timeout);
      if (!reply.ok) history.info();
      else if (reply.body.op === 'error') history.fail();
      else history.ok(reply.body.op === 'get' ? reply.body.value : undefined);
      if (!reply.ok || reply.body.op === 'error') primary = undefined;
    }
    ctx.spawn(follow(options.script ? stepsOf(options.script, ctx.id) : randomLoop(), perform));
  };
}
