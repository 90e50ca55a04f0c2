import { describe, expect, it } from 'vitest';
import { call, defineScenario, judge, ModelError, ms, runScenario, seconds, Simulation, sleep, type Fact, type NodeModel } from '../../src/kernel/index.js';

const fixedLatency = { latency: { min: ms(1), max: ms(1) } };

/** A node that records every message it handles, with the true time the kernel handled it at. */
function recorder(log: Array<{ t: number; msg: unknown }>, sim: Simulation): NodeModel {
  return () => ({ onMessage: (msg) => void log.push({ t: sim.trueTime, msg }) });
}

describe('the simulation kernel', () => {
  it('handles simultaneous events in the order they were scheduled', () => {
    const sim = new Simulation({ seed: 1, network: fixedLatency });
    const log: Array<{ t: number; msg: unknown }> = [];
    sim.node('sender', (ctx) => void ['first', 'second', 'third'].forEach((m) => ctx.send('receiver', m)));
    sim.node('receiver', recorder(log, sim));
    sim.run(seconds(1));
    expect(log).toEqual([
      { t: ms(1), msg: 'first' },
      { t: ms(1), msg: 'second' },
      { t: ms(1), msg: 'third' },
    ]);
  });

  it('holds a paused node\'s messages and timers until it wakes, and it wakes with the beliefs it had', () => {
    const handled: Array<{ t: number; what: string; believed: string }> = [];
    // The peer sends at 3 s, in the middle of the worker's pause from 1 s to 6 s.
    const peerTimer: NodeModel = (ctx) => {
      ctx.setTimer(seconds(3));
      return { onTimer: () => ctx.send('worker', 'hello') };
    };
    const sim = new Simulation({ seed: 1, network: fixedLatency });
    sim.node('worker', (ctx) => {
      let believed = 'nothing yet';
      ctx.setTimer(ms(500), 'acquire');
      ctx.setTimer(seconds(2), 'renew');
      return {
        onMessage: (msg: string) => void handled.push({ t: sim.trueTime, what: msg, believed }),
        onTimer: (tag: string) => {
          if (tag === 'acquire') believed = 'I hold the lease';
          else handled.push({ t: sim.trueTime, what: tag, believed });
        },
      };
    });
    sim.node('peer', peerTimer);
    sim.schedule([{ at: seconds(1), kind: 'pause', node: 'worker', duration: seconds(5) }]);
    sim.run(seconds(10));
    expect(handled).toEqual([
      { t: seconds(6), what: 'renew', believed: 'I hold the lease' },
      { t: seconds(6), what: 'hello', believed: 'I hold the lease' },
    ]);
  });

  it('shows a node only its own clock: skew at start, then a jump backwards', () => {
    const sim = new Simulation({ seed: 1 });
    const readings: Array<{ trueTime: number; local: number }> = [];
    sim.node(
      'n',
      (ctx) => {
        [seconds(1), seconds(3)].forEach((t) => ctx.setTimer(t));
        return { onTimer: () => void readings.push({ trueTime: sim.trueTime, local: ctx.now() }) };
      },
      { clockOffset: ms(500) },
    );
    sim.schedule([{ at: seconds(2), kind: 'clock-jump', node: 'n', delta: -seconds(10) }]);
    sim.run(seconds(5));
    expect(readings).toEqual([
      { trueTime: seconds(1), local: seconds(1) + ms(500) },
      { trueTime: seconds(3), local: seconds(3) + ms(500) - seconds(10) },
    ]);
  });

  it('loses volatile state in a crash, keeps what was written to disk, and forgets timers set before it', () => {
    const sim = new Simulation({ seed: 1, network: fixedLatency });
    const boots: Array<{ t: number; volatile: number; durable: number }> = [];
    const fired: number[] = [];
    sim.node('n', (ctx) => {
      let volatile = 0;
      const durable = ctx.disk.get<number>('count') ?? 0;
      boots.push({ t: sim.trueTime, volatile, durable });
      volatile++;
      ctx.disk.set('count', durable + 1);
      ctx.setTimer(seconds(2), 'alarm');
      return { onTimer: () => void fired.push(sim.trueTime) };
    });
    sim.schedule([{ at: seconds(1), kind: 'crash', node: 'n', restartAfter: ms(500) }]);
    sim.run(seconds(5));
    expect(boots).toEqual([
      { t: 0, volatile: 0, durable: 0 },
      { t: seconds(1.5), volatile: 0, durable: 1 },
    ]);
    expect(fired).toEqual([seconds(3.5)]); // only the timer of the new incarnation
  });

  it('refuses a change to persisted state that is not written to disk again (it would survive a crash without a write)', () => {
    const sim = new Simulation({ seed: 1 });
    sim.node('n', (ctx) => {
      const log = [{ term: 1 }];
      ctx.disk.set('log', log);
      ctx.setTimer(ms(1));
      return { onTimer: () => void (ctx.disk.get<Array<{ term: number }>>('log')![0]!.term = 2) };
    });
    expect(() => sim.run(seconds(1))).toThrow(ModelError);
  });

  it('drops messages to a crashed node', () => {
    const sim = new Simulation({ seed: 1, network: fixedLatency, trace: true });
    const log: Array<{ t: number; msg: unknown }> = [];
    sim.node('sender', (ctx) => {
      ctx.setTimer(seconds(2));
      return { onTimer: () => ctx.send('receiver', 'while down') };
    });
    sim.node('receiver', recorder(log, sim));
    sim.schedule([{ at: seconds(1), kind: 'crash', node: 'receiver' }]);
    const result = sim.run(seconds(3));
    expect(log).toEqual([]);
    expect(result.trace!.some((e) => e.kind === 'drop' && e.reason === 'crashed')).toBe(true);
  });

  it('runs workflows step by step: a call returns the reply, or a failure after its timeout', () => {
    const sim = new Simulation({ seed: 1, network: fixedLatency });
    const results: Array<{ t: number; ok: boolean }> = [];
    sim.node('server', (ctx) => ({ onMessage: (msg: string, envelope) => msg === 'ping' && ctx.reply(envelope, 'pong') }));
    sim.node('client', (ctx) =>
      ctx.spawn(
        (function* () {
          const answered = yield* call('server', 'ping', ms(100));
          results.push({ t: sim.trueTime, ok: answered.ok });
          yield* sleep(seconds(1));
          const ignored = yield* call('server', 'silence', ms(100));
          results.push({ t: sim.trueTime, ok: ignored.ok });
        })(),
      ),
    );
    sim.run(seconds(5));
    expect(results).toEqual([
      { t: ms(2), ok: true },
      { t: ms(2) + seconds(1) + ms(100), ok: false },
    ]);
  });

  it('stops at the first breach of a property, at the true time of the fact', () => {
    const sim = new Simulation({ seed: 1 });
    sim.node('n', (ctx) => {
      [1, 2, 3].forEach((s) => ctx.setTimer(seconds(s), s));
      return { onTimer: (s: number) => ctx.fact('tick', { s }) };
    });
    const seen: Fact[] = [];
    sim.property({ name: 'fewer-than-two-ticks', observe: (fact) => (seen.push(fact), seen.length >= 2 ? { message: 'two ticks', nodes: ['n'] } : undefined) });
    const result = sim.run(seconds(10));
    expect(result.outcome).toBe('violation');
    expect(result.violation).toEqual({ property: 'fewer-than-two-ticks', message: 'two ticks', t: seconds(2), nodes: ['n'] });
    expect(seen).toHaveLength(2);
  });

  it('ends a livelock with a budget outcome instead of running forever', () => {
    const sim = new Simulation({ seed: 1, maxEvents: 1000 });
    sim.node('spinner', (ctx) => {
      ctx.setTimer(0);
      return { onTimer: () => void ctx.setTimer(0) };
    });
    const result = sim.run(seconds(1));
    expect(result.outcome).toBe('budget');
    expect(result.endTime).toBe(0);
  });

  it('reports a model that throws with the true time and the seed', () => {
    const sim = new Simulation({ seed: 42 });
    sim.node('n', (ctx) => {
      ctx.setTimer(ms(7));
      return {
        onTimer: () => {
          throw new Error('boom');
        },
      };
    });
    try {
      sim.run(seconds(1));
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ModelError);
      expect(error).toMatchObject({ t: ms(7), seed: 42, message: 'boom' });
    }
  });
});

describe('probes', () => {
  const pinger = (hitEvery: number): NodeModel => (ctx) => {
    let n = 0;
    ctx.setTimer(ms(10), 'tick');
    return {
      onTimer() {
        if (++n % hitEvery === 0) ctx.probe('every nth tick');
        ctx.setTimer(ms(10), 'tick');
      },
    };
  };
  const scenario = (hitEvery: number, requires: string[]) =>
    defineScenario({
      description: 'a node that ticks', expect: 'safe', duration: ms(100), requires,
      build(world) {
        world.node('a', pinger(hitEvery));
        world.property({ name: 'nothing', watches: [], observe: () => undefined });
      },
    });

  it('counts each hit in the run and marks it in the trace', () => {
    const result = runScenario(scenario(3, []), 1, { trace: true });
    expect(result.probes).toEqual({ 'every nth tick': 3 });
    expect(result.trace!.filter((e) => e.kind === 'probe')).toHaveLength(3);
  });

  it('a required probe no seed hits makes a safe search fail, saying which', () => {
    const never = scenario(1_000, ['every nth tick']);
    const verdict = judge(never, [1, 2, 3].map((seed) => runScenario(never, seed)));
    expect(verdict.matches).toBe(false);
    expect(verdict.summary).toMatch(/required probe 'every nth tick' never hit in 3 seeds/);
    const reached = scenario(2, ['every nth tick']);
    expect(judge(reached, [runScenario(reached, 1)]).matches).toBe(true);
  });
});
