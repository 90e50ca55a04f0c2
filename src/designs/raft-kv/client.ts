import { checkScript, ConfigError, follow, sleep, stepsOf, type Micros, type NodeModel, type Script } from '../../kernel/index.js';
import { ClientHistory } from '../../check/linearizability/index.js';
import { openSession, submit } from '../raft/client.js';
import type { KvCommand, KvResult } from './machine.js';

/**
 * What a KV client does, as plain data (script steps, and what its random loop
 * generates): a put or a get, sent first to `server` if given (else to the server it
 * believes leads), with at most `attempts` requests (default: the client's); or a wait.
 */
export type KvOp =
  | ({ kind: 'put'; key: string; value: string } | { kind: 'get'; key: string }) & { server?: string; attempts?: number }
  | { kind: 'wait'; duration: Micros };
export type KvScript = Script<KvOp>;

export interface KvClientOptions {
  servers: readonly string[];
  keys: readonly string[];
  /** How long to wait for each answer before trying another server. */
  timeout: Micros;
  /** Requests (redirects and retries included) before the client gives up on an operation. */
  attempts: number;
  /** Pause between operations. */
  think: { min: Micros; max: Micros };
  /** Steps typed in instead of the random loop. */
  script?: KvScript;
}

/** Checks a KV script against the run: a ConfigError for the first bad step. */
export function checkKvScript(script: KvScript, clients: readonly string[], servers: readonly string[], duration: Micros): void {
  checkScript<KvOp>(script, {
    what: 'key-value script',
    clients,
    kinds: ['put', 'get', 'wait'],
    duration,
    problem: (op) => {
      if (op.kind === 'wait') return Number.isSafeInteger(op.duration) && op.duration >= 0 ? undefined : 'a wait needs a "duration": microseconds, 0 or more';
      if (typeof op.key !== 'string') return `a ${op.kind} needs a "key"`;
      if (op.kind === 'put' && typeof op.value !== 'string') return 'a put needs a "value" (a string)';
      if (op.server !== undefined && !servers.includes(op.server)) return `no server '${op.server}' (servers: ${servers.join(', ')})`;
      return op.attempts === undefined || (Number.isSafeInteger(op.attempts) && op.attempts >= 1) ? undefined : '"attempts" must be 1 or more';
    },
  });
}

/**
 * A client that reads and writes random keys, one operation at a time, and records
 * what it saw for the linearizability checker. Written values are unique
 * (`client-1#7`), so a stale read is unambiguous. An operation it gave up on is of
 * unknown outcome: its command may still be in a log and commit later.
 */
export function raftKvClient(options: KvClientOptions): NodeModel {
  if (options.keys.length === 0) throw new ConfigError('a KV client needs at least one key');
  if (!(options.attempts >= 1)) throw new ConfigError('attempts must be at least 1');
  return (ctx) => {
    const history = new ClientHistory(ctx);
    const session = openSession(ctx, { servers: options.servers, leader: undefined });
    function* randomLoop(): Generator<KvOp, void, unknown> {
      for (let n = 1; ; n++) {
        const key = ctx.random.pick(options.keys);
        yield ctx.random.chance(0.5) ? { kind: 'put', key, value: `${ctx.id}#${n}` } : { kind: 'get', key };
        yield { kind: 'wait', duration: ctx.random.int(options.think.min, options.think.max) };
      }
    }
    function* perform(op: KvOp) {
      if (op.kind === 'wait') return void (yield* sleep(op.duration));
      const command: KvCommand = op.kind === 'put' ? { type: 'put', key: op.key, value: op.value } : { type: 'get', key: op.key };
      history.invoke(command.type, command.type === 'put' ? { key: command.key, value: command.value } : { key: command.key });
      const result: KvResult | undefined = yield* submit<KvCommand, KvResult>(ctx, session, command, { ...options, attempts: op.attempts ?? options.attempts, server: op.server });
      if (result === undefined) history.info();
      else history.ok(result.type === 'value' ? result.value : undefined);
    }
    ctx.spawn(follow(options.script ? stepsOf(options.script, ctx.id) : randomLoop(), perform));
  };
}
