import { describe, expect, it } from 'vitest';
import { ms, seconds, Simulation, type NodeModel } from '../../src/kernel/index.js';

/**
 * Each fault kind's exact effect on what is already under way: messages in flight,
 * timers set before the fault, and clocks (issue 21: a mutant that weakens one of these
 * must fail a test here, not only a scenario's verdict).
 */
const latency = (d: number) => ({ latency: { min: d, max: d } });

/** A receiver that records the true time of each message it handles. */
const recorder = (sim: Simulation, log: Array<{ t: number; msg: unknown }>): NodeModel => () => ({ onMessage: (msg) => void log.push({ t: sim.trueTime, msg }) });
/** A sender that sends `msg` to `to` at true time `at`. */
const sendAt = (at: number, to: string, msg: string): NodeModel => (ctx) => {
  ctx.setTimer(at);
  return { onTimer: () => ctx.send(to, msg) };
};

describe('fault effects on what is under way', () => {
  it('a partition loses a message in flight that would arrive while the link is cut, and one sent while it is cut that would arrive after the heal', () => {
    const sim = new Simulation({ seed: 1, network: latency(ms(100)) });
    const log: Array<{ t: number; msg: unknown }> = [];
    sim.node('a', (ctx) => {
      ctx.setTimer(ms(950), 'arrives during the cut');
      ctx.setTimer(ms(1_950), 'sent during the cut');
      ctx.setTimer(ms(2_050), 'healed');
      return { onTimer: (tag: string) => ctx.send('b', tag) };
    });
    sim.node('b', recorder(sim, log));
    // The cut lasts from 1 s to 2 s: sent at 0.95 s (arrives 1.05 s), at 1.95 s (would arrive 2.05 s), at 2.05 s.
    sim.schedule([{ at: seconds(1), kind: 'partition', groups: [['a'], ['b']], duration: seconds(1) }]);
    sim.run(seconds(3));
    expect(log).toEqual([{ t: ms(2_150), msg: 'healed' }]);
  });

  it('a paused node\'s messages already sent still arrive during its pause; what it receives waits for it to wake', () => {
    const sim = new Simulation({ seed: 1, network: latency(ms(100)) });
    const atB: Array<{ t: number; msg: unknown }> = [];
    const atA: Array<{ t: number; msg: unknown }> = [];
    sim.node('a', (ctx) => {
      ctx.setTimer(ms(950));
      return { onTimer: () => ctx.send('b', 'sent before the pause'), onMessage: (msg) => void atA.push({ t: sim.trueTime, msg }) };
    });
    sim.node('b', (ctx) => ({ onMessage: (msg, envelope) => (atB.push({ t: sim.trueTime, msg }), ctx.reply(envelope, 'reply')) }));
    sim.schedule([{ at: seconds(1), kind: 'pause', node: 'a', duration: seconds(1) }]);
    sim.run(seconds(3));
    expect(atB).toEqual([{ t: ms(1_050), msg: 'sent before the pause' }]);
    expect(atA).toEqual([{ t: seconds(2), msg: 'reply' }]);
  });

  it('a second pause that outlasts the first keeps what a paused node receives in the order it came', () => {
    const sim = new Simulation({ seed: 1, network: latency(ms(10)) });
    const log: Array<{ t: number; msg: unknown }> = [];
    sim.node('a', (ctx) => {
      for (const at of [ms(100), ms(600), ms(1_500)]) ctx.setTimer(at, `sent at ${at / 1000} ms`);
      return { onTimer: (tag: string) => ctx.send('b', tag) };
    });
    sim.node('b', recorder(sim, log));
    // b is paused from 0.05 s to 1 s, and again from 0.5 s to 2 s: every message waits until 2 s.
    sim.schedule([
      { at: ms(50), kind: 'pause', node: 'b', duration: ms(950) },
      { at: ms(500), kind: 'pause', node: 'b', duration: ms(1_500) },
    ]);
    sim.run(seconds(3));
    expect(log).toEqual([
      { t: seconds(2), msg: 'sent at 100 ms' },
      { t: seconds(2), msg: 'sent at 600 ms' },
      { t: seconds(2), msg: 'sent at 1500 ms' },
    ]);
  });

  it('a message in flight to a node that crashes and restarts before it arrives reaches the new incarnation', () => {
    const sim = new Simulation({ seed: 1, network: latency(ms(500)) });
    const log: Array<{ t: number; msg: unknown }> = [];
    sim.node('a', sendAt(ms(900), 'b', 'in flight'));
    sim.node('b', recorder(sim, log));
    sim.schedule([{ at: seconds(1), kind: 'crash', node: 'b', restartAfter: ms(200) }]);
    sim.run(seconds(3));
    expect(log).toEqual([{ t: ms(1_400), msg: 'in flight' }]);
  });

  it('a clock jump either way moves what the node reads, never when its pending timers fire', () => {
    for (const delta of [seconds(5), -seconds(5)]) {
      const sim = new Simulation({ seed: 1 });
      const fired: Array<{ t: number; local: number }> = [];
      sim.node('n', (ctx) => {
        ctx.setTimer(seconds(2));
        return { onTimer: () => void fired.push({ t: sim.trueTime, local: ctx.now() }) };
      });
      sim.schedule([{ at: seconds(1), kind: 'clock-jump', node: 'n', delta }]);
      sim.run(seconds(4));
      expect(fired).toEqual([{ t: seconds(2), local: seconds(2) + delta }]);
    }
  });

  it('a plain reply to what the previous incarnation sent reaches the restarted node (only calls belong to an incarnation)', () => {
    const sim = new Simulation({ seed: 1, network: latency(ms(100)) });
    const replies: unknown[] = [];
    sim.node('server', (ctx) => ({ onMessage: (_msg, envelope) => ctx.reply(envelope, 'pong') }));
    sim.node('client', (ctx) => {
      ctx.setTimer(ms(950));
      return { onTimer: () => ctx.send('server', 'ping'), onMessage: (msg) => void replies.push(msg) };
    });
    // The ping leaves at 0.95 s; the client crashes at 1 s and is back at 1.1 s, before the pong arrives at 1.15 s.
    sim.schedule([{ at: seconds(1), kind: 'crash', node: 'client', restartAfter: ms(100) }]);
    sim.run(seconds(2));
    expect(replies).toEqual(['pong']);
  });
});
