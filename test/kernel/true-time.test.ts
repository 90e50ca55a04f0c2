import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { call, ConfigError, drawFaults, DRAWN_KINDS, ms, seconds, Simulation, sleep, type Fault, type NodeModel } from '../../src/kernel/index.js';

/** A node that talks to its peers, sets timers and runs a workflow: every kind of event a node schedules. */
const chatty =
  (peers: string[]): NodeModel =>
  (ctx) => {
    ctx.setTimer(ms(1), 'tick');
    ctx.spawn(
      (function* () {
        for (;;) {
          yield* call(ctx.random.pick(peers), 'ping', ms(20));
          yield* sleep(ms(ctx.random.int(1, 30)));
        }
      })(),
    );
    return {
      onMessage: (msg, envelope) => msg === 'ping' && ctx.reply(envelope, 'pong'),
      onTimer: () => {
        ctx.send(ctx.random.pick(peers), 'hello');
        ctx.setTimer(ms(ctx.random.int(1, 50)), 'tick');
      },
    };
  };

/** Runs one node that does `act` at 1 ms; returns the error the run throws. */
function thrownBy(act: NodeModel, options: { network?: object; faults?: Fault[] } = {}): unknown {
  const sim = new Simulation({ seed: 1, network: options.network });
  sim.node('a', act);
  sim.node('b', () => ({}));
  try {
    sim.schedule(options.faults ?? []);
    sim.run(seconds(10));
  } catch (error) {
    return error;
  }
  return undefined;
}

describe('true time', () => {
  test.prop([fc.integer({ min: 1, max: 1000 }), fc.integer({ min: 0, max: 30 }), fc.integer({ min: -ms(1), max: ms(5) }), fc.boolean()], { numRuns: 60 })(
    'never decreases along a trace, whatever the faults and the configuration: a run that would go back stops with a ConfigError',
    (seed, count, minLatency, wildDrift) => {
      const nodes = ['n1', 'n2', 'n3', 'n4'];
      const sim = new Simulation({ seed, trace: true, maxEvents: 100_000, network: { latency: { min: minLatency, max: minLatency + ms(5) } } });
      for (const id of nodes) sim.node(id, chatty(nodes.filter((n) => n !== id)));
      const weights = Object.fromEntries(DRAWN_KINDS.map((k) => [k, 1]));
      const mix = { count: [count, count] as [number, number], window: [0, seconds(2)] as [number, number], weights, nodes, duration: [0, seconds(1)] as [number, number], maxJump: seconds(1), maxDriftPpm: wildDrift ? 2_000_000 : 100_000 };
      let times: number[];
      try {
        sim.schedule(drawFaults(sim.random.stream('faults'), mix));
        times = sim.run(seconds(3)).trace!.map((e) => e.t);
      } catch (error) {
        expect(error).toBeInstanceOf(ConfigError);
        return;
      }
      expect(times.every((t, i) => i === 0 || t >= times[i - 1]!)).toBe(true);
    },
  );

  it('refuses a link latency below zero, naming the link', () => {
    const error = thrownBy((ctx) => void ctx.send('b', 'hello'), { network: { latency: { min: -5, max: -5 } } });
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toBe("link a->b gave a negative latency -5µs: latency must be >= 0 (check the scenario's network and link profiles)");
  });

  it('refuses a timer, a sleep or a call timeout below zero, naming the node', () => {
    expect(thrownBy((ctx) => void ctx.setTimer(-ms(1)))).toMatchObject({ name: 'ConfigError', message: expect.stringMatching(/^node a set a timer with a negative delay -1000µs/) });
    const sleeping = thrownBy((ctx) => ctx.spawn((function* () { yield* sleep(-1); })()));
    expect(sleeping).toMatchObject({ name: 'ConfigError', message: expect.stringMatching(/^a workflow of node a slept for a negative duration -1µs/) });
    const calling = thrownBy((ctx) => ctx.spawn((function* () { yield* call('b', 'ping', Number.NaN); })()));
    expect(calling).toMatchObject({ name: 'ConfigError', message: expect.stringMatching(/^a workflow of node a made a call with a timeout of NaN/) });
  });

  it('refuses a fault that would end before it starts', () => {
    const error = thrownBy(() => ({}), { faults: [{ at: seconds(1), kind: 'pause', node: 'a', duration: -seconds(2) }] });
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toMatch(/pause fault/);
  });

  it('refuses a clock drift that would stop a clock or run it backwards', () => {
    const sim = new Simulation({ seed: 1 });
    expect(() => sim.node('a', () => ({}), { clockDriftPpm: -1_000_000 })).toThrow(ConfigError);
    expect(thrownBy(() => ({}), { faults: [{ at: seconds(1), kind: 'clock-drift', node: 'a', ppm: -2_000_000 }] })).toBeInstanceOf(ConfigError);
  });
});
