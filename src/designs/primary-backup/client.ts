import { call, sleep, type Micros, type NodeModel } from '../../kernel/index.js';
import { ClientHistory } from '../../check/linearizability/index.js';
import type { ClientReply } from './server.js';

export interface ClientOptions {
  /** The servers, in the order the client tries them when one does not answer. */
  servers: string[];
  think: { min: Micros; max: Micros };
  timeout: Micros;
  /** Chance that an operation is a write rather than a read. */
  writeRatio: number;
}

/**
 * A client of the register: reads and writes unique values, recording what it saw
 * as a history. It fails over by itself: on a timeout or a `not-primary` refusal it
 * tries the next server.
 */
export function registerClient(options: ClientOptions): NodeModel {
  return (ctx) => {
    const history = new ClientHistory(ctx);
    ctx.spawn(
      (function* work() {
        let target = 0;
        for (let n = 1; ; n++) {
          yield* sleep(ctx.random.int(options.think.min, options.think.max));
          const server = options.servers[target]!;
          const request = ctx.random.chance(options.writeRatio) ? { op: 'write', value: `${ctx.id}#${n}` } : { op: 'read' };
          history.invoke(request.op, request.op === 'write' ? { value: request.value } : {});
          const reply = yield* call<ClientReply>(server, request, options.timeout);
          if (!reply.ok) history.info();
          else if (reply.body.op === 'read') history.ok(reply.body.value);
          else if (reply.body.op === 'write') history.ok();
          else if (reply.body.error === 'not-primary') history.fail();
          else history.info();
          if (!reply.ok || reply.body.op === 'error') target = (target + 1) % options.servers.length;
        }
      })(),
    );
  };
}
