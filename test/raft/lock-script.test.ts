import { describe, expect, it } from 'vitest';
import { defineScenario, runScenario, seconds, type NodeModel, type Random, type TraceEvent, type World } from '../../src/kernel/index.js';
import type { LockScript } from '../../src/designs/locking/client.js';
import { raftLockSystem } from '../../src/designs/raft-lock/system.js';

/**
 * The Raft lock client follows a script or its random loop through one
 * implementation: the steps its random loop takes, typed in as a script, give the
 * same deliveries and facts at the same true times.
 */

/** The system with only client-1 at work (the others idle), no faults; `record` sees client-1's draws of `int`. */
function oneClient(script?: LockScript, record?: number[]) {
  const system = raftLockSystem({ renewal: 'corrected', fencing: true, script });
  return defineScenario({
    description: 'one Raft lock client',
    expect: 'safe',
    duration: seconds(30),
    build(world, params) {
      const node = (id: string, model: NodeModel, options?: object) => {
        if (id === 'client-2' || id === 'client-3') return world.node(id, () => ({}));
        if (id !== 'client-1' || record === undefined) return world.node(id, model, options);
        return world.node(id, (ctx) => model({ ...ctx, random: recording(ctx.random, record) }), options);
      };
      system.build(new Proxy(world, { get: (target, key) => (key === 'node' ? node : Reflect.get(target, key, target)) }) as World, params);
    },
  });
}

/** The node's own random stream, every `int` it draws written down. */
function recording(random: Random, draws: number[]): Random {
  return new Proxy(random, {
    get(target, key) {
      if (key === 'int') return (min: number, max: number) => draws[draws.push(target.int(min, max)) - 1];
      const value = Reflect.get(target, key, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

/** A lone client is always granted the lock, so its random loop's steps are turns: work and rest drawn in turn. */
function turns(draws: number[]): LockScript {
  const script: Array<LockScript[number]> = [];
  for (let i = 0; i + 1 < draws.length; i += 2) {
    script.push({ client: 'client-1', kind: 'acquire' }, { client: 'client-1', kind: 'wait', duration: draws[i]! }, { client: 'client-1', kind: 'write' }, { client: 'client-1', kind: 'release' }, { client: 'client-1', kind: 'wait', duration: draws[i + 1]! });
  }
  return script;
}

const observed = (trace: TraceEvent[]) => trace.filter((e) => e.kind === 'fact' || e.kind === 'deliver');

describe('the Raft lock client: script and random loop', () => {
  for (const seed of [1, 2, 3]) {
    it(`seed ${seed}: the random loop's steps, typed in as a script, give the same deliveries and facts at the same true times`, () => {
      const draws: number[] = [];
      const random = runScenario(oneClient(undefined, draws), seed, { trace: true });
      const scripted = runScenario(oneClient(turns(draws)), seed, { trace: true });
      const writes = observed(random.trace!).filter((e) => e.kind === 'fact' && e.fact === 'storage-write');
      expect(writes.length, 'the lone client takes many turns').toBeGreaterThan(3);
      // The random run goes on after the script's last turn (its last draws make no whole turn): compare up to that turn.
      const end = observed(scripted.trace!).filter((e) => e.kind === 'fact' && e.fact === 'cs-enter').at(-1)!.t;
      const before = (trace: TraceEvent[]) => observed(trace).filter((e) => e.t < end);
      expect(before(scripted.trace!)).toEqual(before(random.trace!));
    });
  }

  it('a scripted story: client 1 holds the lock, client 2 is refused while it does, and gets it after the release', () => {
    const scenario = defineScenario({
      description: 'a scripted Raft lock story',
      expect: 'safe',
      ...raftLockSystem({
        renewal: 'corrected',
        fencing: true,
        script: [
          { client: 'client-1', at: seconds(1), kind: 'acquire' },
          { client: 'client-1', kind: 'wait', duration: seconds(2) },
          { client: 'client-1', kind: 'write' },
          { client: 'client-1', kind: 'release' },
          { client: 'client-2', at: seconds(2), kind: 'acquire' },
          { client: 'client-2', kind: 'write' }, // refused: holds no lock
          { client: 'client-2', at: seconds(4), kind: 'acquire' },
          { client: 'client-2', kind: 'write' },
          { client: 'client-2', kind: 'release' },
        ],
      }),
      faults: () => [],
      duration: seconds(6),
    });
    const result = runScenario(scenario, 1, { trace: true });
    expect(result.outcome).toBe('ok');
    const trace = result.trace!;
    const writes = trace.filter((e): e is Extract<TraceEvent, { kind: 'fact' }> => e.kind === 'fact' && e.fact === 'storage-write').map((e) => e.data);
    expect(writes).toMatchObject([
      { client: 'client-1', accepted: true },
      { client: 'client-2', accepted: true },
    ]);
    const [first, second] = writes as Array<{ token: number }>;
    expect(second!.token).toBeGreaterThan(first!.token);
    expect(trace.some((e) => e.kind === 'log' && e.node === 'client-2' && e.text === 'holds no lock: not writing')).toBe(true);
  });

  it('refuses a script step for a client the system does not have', () => {
    const scenario = defineScenario({ description: 'bad', expect: 'safe', ...raftLockSystem({ renewal: 'corrected', fencing: true, script: [{ client: 'client-7', kind: 'acquire' }] }) });
    expect(() => runScenario(scenario, 1)).toThrow("lock script, step 1: no client 'client-7' (clients: client-1, client-2, client-3)");
  });
});
