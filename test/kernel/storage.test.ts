import { describe, expect, it } from 'vitest';
import { describeFault, ms, seconds, Simulation, type Fault } from '../../src/kernel/index.js';

/**
 * A node that, at boot, reports what its disk holds, then writes keys a..e, one
 * every 10 ms: a and b synced (`set`, then `write` + `sync`), c, d and e unsynced.
 */
function writer(sim: Simulation, boots: Array<Record<string, unknown>>) {
  sim.node('n', (ctx) => {
    boots.push(Object.fromEntries(['a', 'b', 'c', 'd', 'e'].map((k) => [k, ctx.disk.get(k) ?? null])));
    if (boots.length > 1) return;
    const steps = [
      () => ctx.disk.set('a', 1),
      () => {
        ctx.disk.write('b', 1);
        ctx.disk.sync();
      },
      () => ctx.disk.write('c', 1),
      () => ctx.disk.write('d', 1),
      () => ctx.disk.write('e', 1),
    ];
    let next = 0;
    ctx.setTimer(ms(10));
    return {
      onTimer: () => {
        steps[next++]!();
        if (next < steps.length) ctx.setTimer(ms(10));
      },
    };
  });
}

function bootsAfter(fault: Fault): Array<Record<string, unknown>> {
  const sim = new Simulation({ seed: 1 });
  const boots: Array<Record<string, unknown>> = [];
  writer(sim, boots);
  sim.schedule([fault]);
  sim.run(seconds(2));
  return boots;
}

const nothing = { a: null, b: null, c: null, d: null, e: null };

describe('storage: synced and unsynced writes', () => {
  it('an unsynced write is read back at once', () => {
    const sim = new Simulation({ seed: 1 });
    let read: unknown;
    sim.node('n', (ctx) => {
      ctx.disk.write('k', 7);
      read = ctx.disk.get('k');
    });
    sim.run(ms(1));
    expect(read).toBe(7);
  });

  it('a process crash keeps unsynced writes: the page cache belongs to the operating system', () => {
    const boots = bootsAfter({ at: seconds(1), kind: 'crash', node: 'n', restartAfter: ms(100) });
    expect(boots).toEqual([nothing, { a: 1, b: 1, c: 1, d: 1, e: 1 }]);
  });

  it('a power loss keeps what was synced and loses every unsynced write', () => {
    const boots = bootsAfter({ at: seconds(1), kind: 'power-loss', nodes: ['n'], lost: 1, restartAfter: ms(100) });
    expect(boots).toEqual([nothing, { a: 1, b: 1, c: null, d: null, e: null }]);
  });

  it('a partial power loss loses a suffix of the unsynced writes (rounded up), never a write before a kept one', () => {
    expect(bootsAfter({ at: seconds(1), kind: 'power-loss', nodes: ['n'], lost: 0.5, restartAfter: ms(100) })[1]).toEqual({ a: 1, b: 1, c: 1, d: null, e: null });
    expect(bootsAfter({ at: seconds(1), kind: 'power-loss', nodes: ['n'], lost: 0.1, restartAfter: ms(100) })[1]).toEqual({ a: 1, b: 1, c: 1, d: 1, e: null });
    expect(bootsAfter({ at: seconds(1), kind: 'power-loss', nodes: ['n'], lost: 0, restartAfter: ms(100) })[1]).toEqual({ a: 1, b: 1, c: 1, d: 1, e: 1 });
  });

  it('a lost overwrite brings back the synced value it replaced', () => {
    const sim = new Simulation({ seed: 1 });
    const boots: unknown[] = [];
    sim.node('n', (ctx) => {
      boots.push(ctx.disk.get('k') ?? null);
      if (boots.length > 1) return;
      ctx.disk.set('k', 'synced');
      ctx.disk.write('k', 'cached');
    });
    sim.schedule([{ at: ms(5), kind: 'power-loss', nodes: ['n'], lost: 1, restartAfter: ms(5) }]);
    sim.run(ms(20));
    expect(boots).toEqual([null, 'synced']);
  });

  it('a synced set makes every earlier write durable (write, then fsync)', () => {
    const sim = new Simulation({ seed: 1 });
    const boots: unknown[] = [];
    sim.node('n', (ctx) => {
      boots.push([ctx.disk.get('x') ?? null, ctx.disk.get('y') ?? null]);
      if (boots.length > 1) return;
      ctx.disk.write('x', 1);
      ctx.disk.set('y', 2);
    });
    sim.schedule([{ at: ms(5), kind: 'power-loss', nodes: ['n'], lost: 1, restartAfter: ms(5) }]);
    sim.run(ms(20));
    expect(boots).toEqual([[null, null], [1, 2]]);
  });

  it('a power loss on several machines crashes each and restarts each; one already down loses its page cache too', () => {
    const sim = new Simulation({ seed: 1 });
    const boots: Array<[string, unknown]> = [];
    for (const id of ['p', 'q']) {
      sim.node(id, (ctx) => {
        boots.push([id, ctx.disk.get('k') ?? null]);
        if (ctx.disk.get('k') === undefined) ctx.disk.write('k', id);
      });
    }
    sim.schedule([
      { at: ms(5), kind: 'crash', node: 'q' },
      { at: ms(10), kind: 'power-loss', nodes: ['p', 'q'], lost: 1, restartAfter: ms(5) },
    ]);
    sim.run(ms(50));
    expect(boots).toEqual([['p', null], ['q', null], ['p', null]]); // q stays down: its own crash never restarts it
  });

  it('describes a power loss in one line', () => {
    expect(describeFault({ at: 0, kind: 'power-loss', nodes: ['a', 'b'], lost: 1, restartAfter: ms(500) })).toBe(
      'power loss on [a b]: the last 100% of unsynced writes lost, restart after 500ms',
    );
  });
});

describe('what a node writes to its disk', () => {
  it('is frozen all the way down, so a change in place that skips the disk is an error', () => {
    const written = { row: { id: 1, tags: ['a', { deep: true }] }, at: [1, 2] };
    const map = new Map([['k', { v: 1 }]]);
    const sim = new Simulation({ seed: 1 });
    sim.node('n', (ctx) => {
      ctx.disk.set('plain', written);
      ctx.disk.write('map', map);
    });
    sim.run(ms(1));
    expect(Object.isFrozen(written) && Object.isFrozen(written.row) && Object.isFrozen(written.row.tags) && Object.isFrozen(written.row.tags[1]) && Object.isFrozen(written.at)).toBe(true);
    expect(() => {
      (written.row.tags[1] as { deep: boolean }).deep = false;
    }).toThrow(TypeError);
    expect(() => map.set('k', { v: 2 })).toThrow();
    expect(Object.isFrozen(map.get('k'))).toBe(true);
  });
});
