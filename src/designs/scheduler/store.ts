import type { Micros, NodeModel } from '../../kernel/index.js';
import type { DataCommand, RedisValue } from '../redis/keyspace.js';
import { redisServer, type RedisMessage, type Script, type ScriptContext } from '../redis/server.js';
import { backoff, KEYS } from './task.js';

/**
 * The scheduler's store: one Redis server holding a hash per task (the seed's data
 * model) and three sorted sets, the delay queue (by schedule_time), the ready queue
 * and the in-flight set (by the store-clock time each pulled task's visibility
 * timeout ends), the usual Redis delay-queue layout (ZADD by due time, ZRANGEBYSCORE
 * -inf now to find what is due: https://redis.io/docs/latest/commands/zrangebyscore/).
 *
 * The queue operations are scripts, so each is atomic as a Lua script is, and they
 * behave as SQS does: a pulled task is invisible until its timeout passes on the
 * store's clock, then becomes visible again and is delivered to the next pull; a
 * delete by the seed's task id removes the message even while another consumer holds
 * it (SQS DeleteMessage: "Amazon SQS can delete a message from a queue even if a
 * visibility timeout setting causes the message to be locked by another consumer",
 * https://docs.aws.amazon.com/sdk-for-sap-abap/v1/api/latest/sqs/operation/DELETEMESSAGE.html).
 * Expired tasks are returned lazily, at the next pull, as SQS returns them at the next receive.
 *
 * Persistence is AOF with fsync on every write: the store is the system of record.
 */
export function taskStore(): NodeModel<RedisMessage> {
  return redisServer({ scripts: STORE_SCRIPTS, appendFsyncAlways: true });
}

const str = (redis: ScriptContext, command: DataCommand): string | null => redis.call(command) as string | null;
const now = (redis: ScriptContext): Micros => redis.call({ op: 'time' }) as Micros;
const hash = (redis: ScriptContext, id: string) => redis.call({ op: 'hgetall', key: KEYS.task(id) }) as Record<string, string>;

/** Tasks whose visibility timeout has passed on the store's clock go back to the ready queue, their claim revoked. */
function returnExpired(redis: ScriptContext, at: Micros): void {
  for (const id of redis.call({ op: 'zrangebyscore', key: KEYS.inflight, min: -Infinity, max: at }) as string[]) {
    redis.call({ op: 'zrem', key: KEYS.inflight, member: id });
    redis.call({ op: 'zadd', key: KEYS.ready, score: at, member: id });
    redis.call({ op: 'hset', key: KEYS.task(id), fields: { claim: '' } });
  }
}

function createTask(redis: ScriptContext, task: { id: string; type: string; scheduleTime: Micros; maxRetries: number; cron: string | null; occurrence: number | null }): 0 | 1 {
  if (Object.keys(hash(redis, task.id)).length > 0) return 0;
  redis.call({
    op: 'hset',
    key: KEYS.task(task.id),
    fields: {
      id: task.id, type: task.type, payload: `{"to":"user-of-${task.id}"}`, schedule_time: String(task.scheduleTime), status: 'PENDING',
      retry_count: '0', max_retries: String(task.maxRetries), created_at: String(now(redis)), claim: '',
    },
  });
  redis.call({ op: 'zadd', key: KEYS.delay, score: task.scheduleTime, member: task.id });
  redis.fact('task-created', { task: task.id, scheduleTime: task.scheduleTime, maxRetries: task.maxRetries, cron: task.cron, occurrence: task.occurrence });
  return 1;
}

const occurrenceTime = (cron: Record<string, string>, k: number): Micros => Number(cron.start) + k * Number(cron.every);

/**
 * The scripts, by name. Arguments are strings and numbers as EVALSHA passes them;
 * `meta.worker` / `meta.by` name the caller in the facts.
 */
const SCRIPTS: Record<string, Script> = {
  /** args: id, type, scheduleTime, maxRetries, cron ('' if none), occurrence (-1 if none). A repeated id is a no-op. */
  'create-task': (redis, _keys, [id, type, scheduleTime, maxRetries, cron, occurrence]) =>
    createTask(redis, { id: String(id), type: String(type), scheduleTime: Number(scheduleTime), maxRetries: Number(maxRetries), cron: cron ? String(cron) : null, occurrence: Number(occurrence) < 0 ? null : Number(occurrence) }),

  /** args: name, first occurrence time, interval, type, maxRetries. Occurrence k is due at start + k × every. */
  'define-cron': (redis, _keys, [name, start, every, type, maxRetries]) => {
    redis.call({ op: 'hset', key: KEYS.cron(String(name)), fields: { start: String(start), every: String(every), type: String(type), max_retries: String(maxRetries), next: '0' } });
    return redis.call({ op: 'zadd', key: KEYS.crons, score: 0, member: String(name) });
  },

  /**
   * ReceiveMessage: returns expired tasks to the ready queue, then hands out the
   * first ready task, invisible for `visibility` on the store's clock. args:
   * visibility, claim (1: the corrected pull, which claims the task in the same step
   * with a fresh claim token and marks it RUNNING). Replies the task's hash (with
   * `token` when claimed), or null.
   */
  pull: (redis, _keys, [visibility, claim]) => {
    const at = now(redis);
    returnExpired(redis, at);
    const [id] = redis.call({ op: 'zrangebyscore', key: KEYS.ready, min: -Infinity, max: Infinity, limit: 1 }) as string[];
    if (id === undefined) return null;
    redis.call({ op: 'zrem', key: KEYS.ready, member: id });
    redis.call({ op: 'zadd', key: KEYS.inflight, score: at + Number(visibility), member: id });
    if (Number(claim) !== 1) return hash(redis, id);
    const token = redis.call({ op: 'incr', key: KEYS.claimSeq }) as number;
    redis.call({ op: 'hset', key: KEYS.task(id), fields: { status: 'RUNNING', claim: String(token) } });
    return { ...hash(redis, id), token: String(token) };
  },

  /** ChangeMessageVisibility by task id (the seed's interface): 1 if the task was still in flight, else 0 (MessageNotInflight). */
  'set-visibility': (redis, _keys, [id, timeout]) => {
    const at = now(redis);
    returnExpired(redis, at);
    if (str(redis, { op: 'zscore', key: KEYS.inflight, member: String(id) }) === null) return 0;
    redis.call({ op: 'zadd', key: KEYS.inflight, score: at + Number(timeout), member: String(id) });
    return 1;
  },

  /** The seed's update_task: sets the fields as given, whatever the task's state. */
  'update-task': (redis, _keys, [id, status, scheduleTime, retryCount, backoffArg]) => {
    const fields: Record<string, string> = { status: String(status) };
    if (scheduleTime !== '') fields.schedule_time = String(scheduleTime);
    if (retryCount !== '') fields.retry_count = String(retryCount);
    redis.call({ op: 'hset', key: KEYS.task(String(id)), fields });
    recordOutcome(redis, String(id), String(status), backoffArg === '' ? null : Number(backoffArg));
    return 1;
  },

  /** DeleteMessage by task id (the seed's ack): removes the task from the queue wherever it is. */
  ack: (redis, _keys, [id]) => (redis.call({ op: 'zrem', key: KEYS.inflight, member: String(id) }) as number) + (redis.call({ op: 'zrem', key: KEYS.ready, member: String(id) }) as number),

  /**
   * The seed's nack: the task leaves the queue wherever it is (by id, as its ack) and
   * goes back to the delay queue at the schedule_time its record now has.
   */
  nack: (redis, _keys, [id]) => {
    redis.call({ op: 'zrem', key: KEYS.inflight, member: String(id) });
    redis.call({ op: 'zrem', key: KEYS.ready, member: String(id) });
    const scheduleTime = str(redis, { op: 'hget', key: KEYS.task(String(id)), field: 'schedule_time' });
    return redis.call({ op: 'zadd', key: KEYS.delay, score: Number(scheduleTime), member: String(id) });
  },

  /** Heartbeat: extends the claim's visibility if it is still the task's current, unexpired claim. args: id, token, timeout. */
  extend: (redis, _keys, [id, token, timeout]) => {
    const at = now(redis);
    if (!holdsClaim(redis, String(id), String(token), at)) return 0;
    redis.call({ op: 'zadd', key: KEYS.inflight, score: at + Number(timeout), member: String(id) });
    return 1;
  },

  /** The corrected completion: COMPLETED and the ack in one step, only for the current claim. args: id, token. */
  complete: (redis, _keys, [id, token]) => {
    const task = String(id);
    if (!holdsClaim(redis, task, String(token), now(redis))) return 0;
    redis.call({ op: 'hset', key: KEYS.task(task), fields: { status: 'COMPLETED', claim: '' } });
    redis.call({ op: 'zrem', key: KEYS.inflight, member: task });
    recordOutcome(redis, task, 'COMPLETED', null);
    return 1;
  },

  /**
   * The corrected failure, for the current claim only: the retry count incremented
   * in place and the backoff counted from the store's clock; or FAILED when the error
   * is not retryable or the retries are spent. args: id, token, retryable (1/0).
   */
  fail: (redis, _keys, [id, token, retryable]) => {
    const task = String(id);
    const at = now(redis);
    if (!holdsClaim(redis, task, String(token), at)) return 0;
    redis.call({ op: 'zrem', key: KEYS.inflight, member: task });
    const record = hash(redis, task);
    const retries = Number(record.retry_count);
    if (Number(retryable) === 1 && retries < Number(record.max_retries)) {
      const delay = backoff(retries);
      redis.call({ op: 'hincrby', key: KEYS.task(task), field: 'retry_count', by: 1 });
      redis.call({ op: 'hset', key: KEYS.task(task), fields: { status: 'PENDING', schedule_time: String(at + delay), claim: '' } });
      redis.call({ op: 'zadd', key: KEYS.delay, score: at + delay, member: task });
      recordOutcome(redis, task, 'PENDING', delay);
    } else {
      redis.call({ op: 'hset', key: KEYS.task(task), fields: { status: 'FAILED', claim: '' } });
      recordOutcome(redis, task, 'FAILED', null);
    }
    return 1;
  },

  /**
   * The corrected leader's pass, fenced and on the store's clock: refused (-1) if a
   * leader with a higher token has been here; else moves every task due by the
   * store's clock to the ready queue, and creates each cron occurrence due within
   * the next interval under the deterministic id `name#k`, so a repeat is a no-op.
   * args: token.
   */
  'promote-fenced': (redis, _keys, [token]) => {
    const fence = Number(str(redis, { op: 'get', key: KEYS.fence }) ?? '0');
    if (Number(token) < fence) return -1;
    redis.call({ op: 'set', key: KEYS.fence, value: String(token) });
    const at = now(redis);
    for (const name of redis.call({ op: 'zrangebyscore', key: KEYS.crons, min: -Infinity, max: Infinity }) as string[]) {
      const cron = redis.call({ op: 'hgetall', key: KEYS.cron(name) }) as Record<string, string>;
      let k = Number(cron.next);
      for (; occurrenceTime(cron, k) <= at + Number(cron.every); k++) {
        createTask(redis, { id: `${name}#${k}`, type: cron.type!, scheduleTime: occurrenceTime(cron, k), maxRetries: Number(cron.max_retries), cron: name, occurrence: k });
      }
      redis.call({ op: 'hset', key: KEYS.cron(name), fields: { next: String(k) } });
    }
    return moveDue(redis, at);
  },
};

/** The store's lane in the diagrams: how many tasks wait in each queue. */
function annotateDepths(redis: ScriptContext): void {
  const depth = (key: string) => redis.call({ op: 'zcard', key }) as number;
  redis.annotate?.({ delay: depth(KEYS.delay), ready: depth(KEYS.ready), inflight: depth(KEYS.inflight) });
}

/** The scripts as the store loads them: each also shows the queue depths it leaves. */
export const STORE_SCRIPTS: Record<string, Script> = Object.fromEntries(
  Object.entries(SCRIPTS).map(([name, script]): [string, Script] => [
    name,
    (redis, keys, args) => {
      const result = script(redis, keys, args);
      annotateDepths(redis);
      return result;
    },
  ]),
);

function moveDue(redis: ScriptContext, until: Micros): number {
  const due = redis.call({ op: 'zrangebyscore', key: KEYS.delay, min: -Infinity, max: until }) as string[];
  for (const id of due) {
    redis.call({ op: 'zrem', key: KEYS.delay, member: id });
    redis.call({ op: 'zadd', key: KEYS.ready, score: until, member: id });
    redis.fact('task-ready', { task: id });
  }
  return due.length;
}

function holdsClaim(redis: ScriptContext, id: string, token: string, at: Micros): boolean {
  const deadline = str(redis, { op: 'zscore', key: KEYS.inflight, member: id });
  return deadline !== null && Number(deadline) > at && str(redis, { op: 'hget', key: KEYS.task(id), field: 'claim' }) === token;
}

function recordOutcome(redis: ScriptContext, task: string, status: string, delay: Micros | null): void {
  const outcome = status === 'COMPLETED' ? 'completed' : status === 'FAILED' ? 'failed' : 'retry';
  const retryCount = Number(str(redis, { op: 'hget', key: KEYS.task(task), field: 'retry_count' }));
  redis.fact('attempt-recorded', { task, outcome, retryCount, backoff: delay });
}

/** A task's fields as a reply carries them (`RedisValue` of a pull). */
export type PulledTask = Record<string, string>;
export const isPulled = (value: RedisValue | undefined): value is PulledTask => typeof value === 'object' && value !== null && !Array.isArray(value) && 'id' in value;

