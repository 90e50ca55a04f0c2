import { Simulation, seconds, type NodeModel } from '../src/kernel/index.js';

/** Two nodes bouncing a counter: the kernel's hot path (send, queue, deliver) and nothing else. */
export function pingPong(deliveries: number, seed = 1): { events: number; seconds: number } {
  const sim = new Simulation({ seed, maxEvents: deliveries + 10 });
  const player =
    (peer: string, serves: boolean): NodeModel<number> =>
    (ctx) => {
      if (serves) ctx.send(peer, 0);
      return { onMessage: (n) => ctx.send(peer, n + 1) };
    };
  sim.node('ping', player('pong', true));
  sim.node('pong', player('ping', false));
  const started = process.hrtime.bigint();
  const result = sim.run(seconds(1e9));
  const elapsed = Number(process.hrtime.bigint() - started) / 1e9;
  return { events: result.stats.events, seconds: elapsed };
}
