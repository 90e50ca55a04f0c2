import { ConfigError, sleep, type Micros, type NodeModel } from '../../kernel/index.js';
import { ClientHistory } from '../../check/linearizability/index.js';
import { openSession, submit } from '../raft/client.js';
import type { KvCommand, KvResult } from './machine.js';

export interface KvClientOptions {
  servers: readonly string[];
  keys: readonly string[];
  /** How long to wait for each answer before trying another server. */
  timeout: Micros;
  /** Requests (redirects and retries included) before the client gives up on an operation. */
  attempts: number;
  /** Pause between operations. */
  think: { min: Micros; max: Micros };
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
    ctx.spawn(
      (function* operations() {
        for (let n = 1; ; n++) {
          const key = ctx.random.pick(options.keys);
          const command: KvCommand = ctx.random.chance(0.5) ? { type: 'put', key, value: `${ctx.id}#${n}` } : { type: 'get', key };
          history.invoke(command.type, command.type === 'put' ? { key, value: command.value } : { key });
          const result: KvResult | undefined = yield* submit<KvCommand, KvResult>(ctx, session, command, options);
          if (result === undefined) history.info();
          else history.ok(result.type === 'value' ? result.value : undefined);
          yield* sleep(ctx.random.int(options.think.min, options.think.max));
        }
      })(),
    );
  };
}
