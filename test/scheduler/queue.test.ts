import { describe, expect, it } from 'vitest';
import { seconds, type Micros } from '../../src/kernel/index.js';
import { Keyspace, type RedisValue } from '../../src/designs/redis/keyspace.js';
import { STORE_SCRIPTS } from '../../src/designs/scheduler/store.js';
import { KEYS } from '../../src/designs/scheduler/task.js';

/** The store's scripts on a bare keyspace, with a clock the test moves: the queue without a network. */
function queue() {
  const keyspace = new Keyspace();
  let now: Micros = 0;
  const facts: Array<{ kind: string; data: Record<string, unknown> }> = [];
  const context = {
    call: (command: Parameters<Keyspace['execute']>[0]) => keyspace.execute(command, now),
    random: () => 0.5,
    fact: (kind: string, data: Record<string, unknown>) => void facts.push({ kind, data }),
  };
  const run = (script: string, ...args: Array<string | number>): RedisValue => STORE_SCRIPTS[script]!(context, [], args);
  return {
    run,
    facts,
    at(t: Micros) {
      now = t;
    },
    members: (key: string) => (keyspace.execute({ op: 'zrangebyscore', key, min: -Infinity, max: Infinity }, now) as string[]),
    field: (id: string, field: string) => keyspace.execute({ op: 'hget', key: KEYS.task(id), field }, now),
    /** A task created and moved to the ready queue (as a leader would). */
    ready(id: string) {
      run('create-task', id, 'send_email', 0, 3, '', -1);
      run('promote-fenced', 1);
    },
  };
}

describe('the store as an SQS-like queue', () => {
  it('hides a pulled task until its visibility timeout passes on the store clock, then delivers it again', () => {
    const q = queue();
    q.ready('t1');
    expect(q.run('pull', seconds(3), 0)).toMatchObject({ id: 't1' });
    q.at(seconds(2.9));
    expect(q.run('pull', seconds(3), 0)).toBeNull();
    q.at(seconds(3));
    expect(q.run('pull', seconds(3), 0)).toMatchObject({ id: 't1' });
  });

  it('extends a pulled task by ChangeMessageVisibility, and refuses to once it is visible again (MessageNotInflight)', () => {
    const q = queue();
    q.ready('t1');
    q.run('pull', seconds(0.3), 0);
    q.at(seconds(0.2));
    expect(q.run('set-visibility', 't1', seconds(3))).toBe(1);
    q.at(seconds(3.1));
    expect(q.run('pull', seconds(0.3), 0)).toBeNull();
    q.at(seconds(3.2));
    q.run('pull', seconds(0.3), 0);
    q.at(seconds(3.6));
    q.ready('t2');
    q.run('pull', seconds(0.3), 0);
    expect(q.members(KEYS.ready)).toEqual(['t1']);
    expect(q.run('set-visibility', 't1', seconds(3))).toBe(0);
  });

  it("deletes by task id (the seed's ack) even after the timeout passed and another worker holds the task", () => {
    const q = queue();
    q.ready('t1');
    q.run('pull', seconds(3), 0);
    q.at(seconds(4));
    expect(q.run('pull', seconds(3), 0)).toMatchObject({ id: 't1' });
    expect(q.run('ack', 't1')).toBe(1);
    q.at(seconds(10));
    expect(q.run('pull', seconds(3), 0)).toBeNull();
  });

  it("nack returns the task to the delay queue at the schedule_time its record has, out of the ready queue", () => {
    const q = queue();
    q.ready('t1');
    q.run('pull', seconds(3), 0);
    q.run('update-task', 't1', 'PENDING', seconds(5), 1, seconds(5));
    q.run('nack', 't1');
    expect(q.members(KEYS.ready)).toEqual([]);
    expect(q.members(KEYS.inflight)).toEqual([]);
    expect(q.members(KEYS.delay)).toEqual(['t1']);
    q.at(seconds(4.9));
    q.run('promote-fenced', 1);
    expect(q.run('pull', seconds(3), 0)).toBeNull();
    q.at(seconds(5));
    q.run('promote-fenced', 1);
    expect(q.run('pull', seconds(3), 0)).toMatchObject({ id: 't1', retry_count: '1' });
  });

  it('the corrected pull claims with a fresh token; completion after expiry is refused and the new claim completes', () => {
    const q = queue();
    q.ready('t1');
    const first = q.run('pull', seconds(3), 1) as Record<string, string>;
    expect(q.field('t1', 'status')).toBe('RUNNING');
    q.at(seconds(3));
    const second = q.run('pull', seconds(3), 1) as Record<string, string>;
    expect(Number(second.token)).toBeGreaterThan(Number(first.token));
    expect(q.run('complete', 't1', first.token!)).toBe(0);
    expect(q.run('extend', 't1', first.token!, seconds(3))).toBe(0);
    expect(q.run('complete', 't1', second.token!)).toBe(1);
    expect(q.field('t1', 'status')).toBe('COMPLETED');
    expect(q.facts.filter((f) => f.kind === 'attempt-recorded').map((f) => f.data.outcome)).toEqual(['completed']);
  });

  it('the corrected failure increments retry_count in place and backs off on the store clock, then fails for good', () => {
    const q = queue();
    q.ready('t1');
    for (let attempt = 0; attempt < 4; attempt++) {
      const pulled = q.run('pull', seconds(3), 1) as Record<string, string>;
      q.run('fail', 't1', pulled.token!, 1);
      if (attempt < 3) {
        expect(q.field('t1', 'retry_count')).toBe(String(attempt + 1));
        const due = Number(q.field('t1', 'schedule_time'));
        q.at(due);
        q.run('promote-fenced', 1);
      }
    }
    expect(q.field('t1', 'status')).toBe('FAILED');
    expect(q.facts.filter((f) => f.kind === 'attempt-recorded').map((f) => f.data.backoff)).toEqual([seconds(0.6), seconds(1.2), seconds(2.4), null]);
  });

  it('the fenced promotion refuses a leader token lower than one it has seen, and creates each cron occurrence once', () => {
    const q = queue();
    q.run('define-cron', 'report', seconds(1), seconds(2), 'send_report', 3);
    q.at(seconds(1));
    expect(q.run('promote-fenced', 5)).toBe(1);
    expect(q.run('promote-fenced', 4)).toBe(-1);
    q.run('promote-fenced', 5);
    expect(q.facts.filter((f) => f.kind === 'task-created').map((f) => f.data.task)).toEqual(['report#0', 'report#1']);
  });
});
