import { describe, expect, it, vi } from 'vitest';
import { runCli } from '../../src/cli/program.js';
import {
  call, callAll, ModelError, ms, seconds, Simulation, sleep, toJsonLines,
  type AsyncContext, type NodeContext, type NodeModel, type Workflow,
} from '../../src/kernel/index.js';

/**
 * Async workflows: `await ctx.sleep/call/callAll` on the kernel's own waits, driven to
 * quiescence after each event. Each behaviour is stated against the generator
 * workflow it must equal, or against the error a user must get.
 */

/** A server that answers `{ n }` with `{ n }` after a random 1–30 ms of work (a timer), and ignores `{ drop: true }`. */
const server: NodeModel = (ctx) => ({
  onMessage(body: { n: number; drop?: boolean }, envelope) {
    if (body.drop) return;
    ctx.setTimer(ctx.random.int(ms(1), ms(30)), envelope);
  },
  onTimer(request) {
    ctx.reply(request, { n: request.body.n });
  },
});

/** The same client twice: a loop of calls (some timing out), a fan-out to every server, a random sleep, facts for what came back. */
function generatorClient(ctx: NodeContext): Workflow {
  return (function* () {
    for (let n = 0; n < 40; n++) {
      const reply = yield* call<{ n: number }>(`server-${1 + (n % 3)}`, { n, drop: n % 7 === 3 }, ms(20));
      ctx.fact('answered', { n, ok: reply.ok });
      const all = yield* callAll<{ n: number }>(['server-1', 'server-2', 'server-3'].map((to) => ({ to, body: { n } })), ms(25));
      ctx.fact('fan-out', { n, answered: all.filter((r) => r.ok).length });
      yield* sleep(ctx.random.int(0, ms(10)));
    }
  })();
}
async function asyncClient(ctx: AsyncContext): Promise<void> {
  for (let n = 0; n < 40; n++) {
    const reply = await ctx.call<{ n: number }>(`server-${1 + (n % 3)}`, { n, drop: n % 7 === 3 }, ms(20));
    ctx.fact('answered', { n, ok: reply.ok });
    const all = await ctx.callAll<{ n: number }>(['server-1', 'server-2', 'server-3'].map((to) => ({ to, body: { n } })), ms(25));
    ctx.fact('fan-out', { n, answered: all.filter((r) => r.ok).length });
    await ctx.sleep(ctx.random.int(0, ms(10)));
  }
}

function system(client: NodeModel, seed = 7): Simulation {
  const sim = new Simulation({ seed, trace: true, network: { latency: { min: ms(1), max: ms(8) } } });
  for (const id of ['server-1', 'server-2', 'server-3']) sim.node(id, server);
  sim.node('client-1', client);
  sim.node('client-2', client);
  return sim;
}

const generatorModel: NodeModel = (ctx) => void ctx.spawn(generatorClient(ctx));
const asyncModel: NodeModel = (ctx) => void ctx.spawn(asyncClient);

describe('async workflows', () => {
  it('resume at the virtual time of their reply, timeout or wake-up: the trace equals the generator workflow\'s, event for event', async () => {
    const generator = system(generatorModel).run(seconds(5));
    const async = await system(asyncModel).runAsync(seconds(5));
    expect(async.trace!.filter((e) => e.kind === 'timeout').length).toBeGreaterThan(5);
    expect(toJsonLines(async.trace!)).toBe(toJsonLines(generator.trace!));
  });

  it('interleave by the seed alone: two runs of one seed are identical, and another seed differs', async () => {
    const [a, b, other] = [await system(asyncModel, 3).runAsync(seconds(5)), await system(asyncModel, 3).runAsync(seconds(5)), await system(asyncModel, 4).runAsync(seconds(5))];
    expect(toJsonLines(a.trace!)).toBe(toJsonLines(b.trace!));
    expect(toJsonLines(other.trace!)).not.toBe(toJsonLines(a.trace!));
  });

  it('may await their own async helpers and settled promises: only what the kernel does not drive is an escape', async () => {
    const sim = new Simulation({ seed: 1 });
    const seen: number[] = [];
    sim.node('n', (ctx) =>
      void ctx.spawn(async (ctx) => {
        const helper = async (d: number) => {
          await Promise.resolve();
          await ctx.sleep(d);
          return d;
        };
        seen.push(await helper(ms(5)), ...(await Promise.all([helper(ms(1)), helper(ms(2))])));
        ctx.fact('done', { at: ctx.now() });
      }),
    );
    const result = await sim.runAsync(seconds(1));
    expect(seen).toEqual([ms(5), ms(1), ms(2)]);
    expect(result.stats.facts).toBe(1);
  });

  it('die with their node: a crash voids a pending sleep, and the restart starts the workflow anew', async () => {
    const sim = new Simulation({ seed: 1, trace: true });
    sim.node('n', (ctx) =>
      void ctx.spawn(async (ctx) => {
        ctx.fact('started', {});
        await ctx.sleep(seconds(2));
        ctx.fact('woke', {});
      }),
    );
    sim.schedule([{ at: seconds(1), kind: 'crash', node: 'n', restartAfter: seconds(5) }]);
    const result = await sim.runAsync(seconds(10));
    const facts = result.trace!.flatMap((e) => (e.kind === 'fact' ? [`${e.fact}@${e.t}`] : []));
    expect(facts).toEqual([`started@0`, `started@${seconds(6)}`, `woke@${seconds(8)}`]);
  });

  it('report a throw as the model\'s, at the virtual time it happened', async () => {
    const sim = new Simulation({ seed: 9 });
    sim.node('n', (ctx) =>
      void ctx.spawn(async (ctx) => {
        await ctx.sleep(ms(250));
        throw new Error('no such order');
      }),
    );
    const error = await sim.runAsync(seconds(1)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModelError);
    expect(error).toMatchObject({ t: ms(250), seed: 9, message: 'no such order' });
  });
});

describe('escapes: an await the kernel does not drive is an error naming the node and the virtual time', () => {
  const escaping = (body: (ctx: AsyncContext) => Promise<void>) => {
    const sim = new Simulation({ seed: 5 });
    sim.node('payments', (ctx) => void ctx.spawn(async (ctx) => {
      await ctx.sleep(ms(100));
      await body(ctx);
    }));
    // Busy for a while of real time (100,000 wake-ups), so that a real timer fires during the run.
    sim.node('other', (ctx) => void ctx.spawn(async (ctx) => {
      for (;;) await ctx.sleep(ms(0.01));
    }));
    return sim.runAsync(seconds(1)).catch((e: unknown) => e);
  };

  it('a real timer', async () => {
    const error = await escaping(() => new Promise((resolve) => setTimeout(resolve, 1)));
    expect(error).toBeInstanceOf(ModelError);
    expect((error as ModelError).message).toMatch(/^node payments: an async workflow awaits something the kernel does not drive \(a real timer, I\/O, fetch.*\) at true time 0\.100000s: a simulated node may await only ctx\.sleep, ctx\.call and ctx\.callAll/);
    expect((error as ModelError).t).toBe(ms(100));
  });

  it('real I/O', async () => {
    const { readFile } = await import('node:fs/promises');
    const error = await escaping(async () => void (await readFile(new URL(import.meta.url))));
    expect((error as ModelError).message).toMatch(/^node payments: an async workflow awaits something the kernel does not drive/);
  });

  it('a race between a kernel wait and a real timer, which resumes the workflow while no event of the run woke it', async () => {
    const error = await escaping(async (ctx) => {
      await Promise.race([ctx.sleep(seconds(10)), new Promise((resolve) => setTimeout(resolve, 1))]);
      ctx.send('other', 'too late');
    });
    expect((error as ModelError).message).toMatch(/^node payments: an async workflow resumed after awaiting something the kernel does not drive \(a real timer, I\/O, fetch\) at true time /);
  });
});

describe('sim run on a scenario whose async workflow escapes', () => {
  it('exits 3 with the node, the virtual time, the seed and the command that reproduces it', async () => {
    const errors: string[] = [];
    const spy = vi.spyOn(console, 'error').mockImplementation((text: string) => void errors.push(text));
    const logged = vi.spyOn(console, 'log').mockImplementation(() => {});
    try {
      expect(await runCli(['run', 'test/fixtures/async-escape.ts', '--seed', '2', '-q'])).toBe(3);
    } finally {
      spy.mockRestore();
      logged.mockRestore();
    }
    expect(errors.join('\n')).toMatch(/the model threw at true time 0\.300000s \(seed 2\): node client: an async workflow awaits something the kernel does not drive/);
    expect(errors.join('\n')).toMatch(/npx sim run test\/fixtures\/async-escape\.ts -q --seed 2 reproduces it/);
  });
});
