import { ConfigError, formatTime, ms, Random, type Envelope, type Micros, type NodeModel } from '../../kernel/index.js';
import { Keyspace, snapshotOf, valueOf, WrongTypeError, type DataCommand, type Entry, type RedisValue, type ValueSnapshot } from './keyspace.js';

/** The commands the lock designs need, as Redis has them. */
export type LockCommand =
  /** SET key value NX PX ttl */
  | { op: 'set-nx-px'; key: string; value: string; ttl: Micros }
  /** The compare-and-delete script every Redis lock releases with. */
  | { op: 'del-if-equal'; key: string; value: string }
  /** The compare-and-extend script for lease renewal. */
  | { op: 'pexpire-if-equal'; key: string; value: string; ttl: Micros };

/**
 * EVALSHA: runs a script the server was configured with, atomically. `meta` is not
 * Redis: it says who asked and for what, and is merged into the facts the script records.
 */
export type EvalCommand = { op: 'eval'; script: string; keys: string[]; args: Array<string | number>; meta?: Record<string, unknown> };

export type RedisCommand = LockCommand | DataCommand | EvalCommand;

export type RedisReply =
  | { op: 'set-nx-px'; ok: boolean }
  | { op: 'del-if-equal'; ok: boolean }
  | { op: 'pexpire-if-equal'; ok: boolean }
  | { op: DataCommand['op'] | 'eval'; value: RedisValue }
  | { op: 'error'; error: 'READONLY' | 'WRONGTYPE' };

/** Several commands in one message, executed one after another (not as a transaction: each is atomic alone). */
export type PipelineMessage = { op: 'pipeline'; commands: RedisCommand[] };
export type PipelineReply = { op: 'pipeline'; replies: RedisReply[] };

/**
 * What a script sees, as a Lua script sees `redis.call` and `math.random`. `fact`
 * is instrumentation, not Redis: it records what the script really decided, at the
 * true time it ran, for the properties.
 */
export interface ScriptContext {
  call(command: DataCommand): RedisValue;
  random(): number;
  fact(kind: string, data: Record<string, unknown>): void;
  /** The server's diagram state (queue depths, say), as `ctx.annotate`: not Redis either. */
  annotate?(fields: Record<string, unknown> | (() => Record<string, unknown>)): void;
}

/** A script: a function of the keyspace (through `redis.call`), its keys and its arguments. */
export type Script = (redis: ScriptContext, keys: readonly string[], args: ReadonlyArray<string | number>) => RedisValue;

/**
 * How `math.random()` behaves inside scripts. Redis before 7 reseeded the Lua PRNG
 * identically before every script, so that a script replicated verbatim computed the
 * same on the replica: every call then sees the same sequence. Redis 7 replicates a
 * script's effects instead and lets the sequence continue.
 */
export type ScriptRandom = 'reseeded-per-call' | 'continuing';

/** Replication: a primary streams writes (absolute expiry on its own clock), in batches, to its replicas. */
type ReplicatedWrite = { key: string; value: string | ValueSnapshot | null; expiresAt: Micros | null };
type ReplicationMessage = { op: 'replicate'; writes: ReplicatedWrite[] } | { op: 'promote' };

export type RedisMessage = RedisCommand | PipelineMessage | ReplicationMessage;

export interface RedisOptions {
  /** Start as a replica (read-only until promoted). */
  replica?: boolean;
  /** Replicas this node streams its writes to while primary. */
  replicas?: string[];
  /** How often buffered writes are shipped to replicas: the replication lag. */
  replicationInterval?: Micros;
  /** Scripts loaded on the server, by name (SCRIPT LOAD). */
  scripts?: Record<string, Script>;
  scriptRandom?: ScriptRandom;
  /**
   * Time one command takes on the single thread. Commands queue behind each other,
   * so a loaded server answers late. 0 (the default): commands take no time.
   */
  commandCost?: Micros;
  /** Persist a snapshot to disk this often (RDB); without it a crash loses every key. */
  snapshotInterval?: Micros;
  /**
   * Persist every write before answering (AOF with `appendfsync always`): a crash
   * then loses nothing that was acknowledged. https://redis.io/docs/latest/operate/oss_and_stack/management/persistence/
   */
  appendFsyncAlways?: boolean;
}

/**
 * A Redis server: single-threaded, so each command and script is atomic and they run
 * in arrival order; keys expire by the server's own wall clock; a crash loses what was
 * not persisted. Replication is asynchronous: a primary acknowledges a write before
 * any replica has it, and a promoted replica lacks what had not been shipped yet.
 */
/** Commands that only read: a replica answers them too (writes get READONLY, as Redis replicas answer). */
const READ_ONLY_COMMANDS = ['get', 'time', 'memory-usage', 'info-memory', 'zcard', 'hgetall', 'lrange', 'llen', 'zrangebyscore', 'zscore', 'hget'] as const;
/** A set, not the list: every command of millions is looked up here. */
const READ_ONLY = new Set<string>(READ_ONLY_COMMANDS);
const readsOnly = (command: RedisCommand): command is Extract<RedisCommand, { op: (typeof READ_ONLY_COMMANDS)[number] }> => READ_ONLY.has(command.op);

export function redisServer(options: RedisOptions = {}): NodeModel<RedisMessage> {
  const interval = options.replicationInterval ?? ms(100);
  const commandCost = options.commandCost ?? 0;
  if (commandCost < 0) throw new ConfigError('commandCost must not be negative');
  const replicating = (options.replicas?.length ?? 0) > 0;
  return (ctx) => {
    // Keys written since the last shipment: each ships once, as it is then (as Redis's
    // replication buffer would, coalesced), so a busy sorted set is not copied per write.
    const dirty = new Set<string>();
    // AOF: keys written since the last fsync, each persisted on its own (`aof:<key>`), with the list of every key ever persisted.
    const unsynced = new Set<string>();
    const keyspace = new Keyspace(
      replicating || options.appendFsyncAlways
        ? (key: string) => {
            if (replicating) dirty.add(key);
            if (options.appendFsyncAlways) unsynced.add(key);
          }
        : undefined,
    );
    const persisted = ctx.disk.get<Array<[string, ValueSnapshot, Micros | null]>>('snapshot');
    if (persisted) keyspace.restore(persisted);
    const aofKeys = new Set(ctx.disk.get<string[]>('aof-keys') ?? []);
    if (aofKeys.size > 0) {
      keyspace.restore([...aofKeys].flatMap((key) => {
        const saved = ctx.disk.get<string | null>(`aof:${key}`);
        if (!saved) return [];
        const [value, expiresAt] = JSON.parse(saved) as [ValueSnapshot, Micros | null];
        return [[key, value, expiresAt] as const];
      }));
    }
    const fsync = () => {
      let newKey = false;
      for (const key of unsynced) {
        const entry = keyspace.peek(key);
        // As the AOF's text: a string costs the disk's deep freeze nothing.
        ctx.disk.set(`aof:${key}`, entry ? JSON.stringify([snapshotOf(entry.value), entry.expiresAt ?? null]) : null);
        if (!aofKeys.has(key)) {
          aofKeys.add(key);
          newKey = true;
        }
      }
      if (newKey) ctx.disk.set('aof-keys', [...aofKeys]);
      unsynced.clear();
    };
    let primary = !options.replica;
    let busyUntil: Micros = 0;
    // One context for every script call; `meta` and where the reseeded PRNG is read are per call.
    let meta: Record<string, unknown> | undefined;
    // Reseeded per call, every call draws the same sequence: it is drawn once, as far as
    // any call has read it, and each call reads it from the start (a new PRNG per call
    // was a seeding per store command).
    const reseededDraws: number[] = [];
    const reseeded = new Random('lua-math-random');
    let drawn = 0;
    const redis: ScriptContext = {
      call: (command) => run(command),
      random:
        options.scriptRandom === 'reseeded-per-call'
          ? () => {
              if (drawn === reseededDraws.length) reseededDraws.push(reseeded.float());
              return reseededDraws[drawn++]!;
            }
          : () => ctx.random.float(),
      fact: (kind, data) => ctx.fact(kind, meta ? Object.assign({}, meta, data) : data),
      annotate: (fields) => ctx.annotate(fields),
    };

    let cost = 0;
    let lastTime: Micros | undefined; // the last TIME a script read: a later one below it means the clock stepped back
    const run = (command: DataCommand): RedisValue => {
      cost += commandCost;
      if (command.op === 'time') {
        if (lastTime !== undefined && ctx.now() < lastTime) ctx.probe('a script read TIME behind an earlier reading');
        lastTime = ctx.now();
      }
      return keyspace.execute(command, ctx.now());
    };

    const execute = (command: RedisCommand): RedisReply => {
      cost += commandCost;
      const now = ctx.now();
      try {
        if (readsOnly(command)) {
          return { op: command.op, value: keyspace.execute(command, now) };
        }
        if (!primary) return { op: 'error', error: 'READONLY' };
        switch (command.op) {
          case 'set-nx-px': {
            if (keyspace.live(command.key, now)) return { op: command.op, ok: false };
            keyspace.put(command.key, { value: { type: 'string', value: command.value }, expiresAt: now + command.ttl });
            return { op: command.op, ok: true };
          }
          case 'del-if-equal': {
            if (!holds(keyspace.live(command.key, now), command.value)) return { op: command.op, ok: false };
            keyspace.put(command.key, undefined);
            return { op: command.op, ok: true };
          }
          case 'pexpire-if-equal': {
            if (!holds(keyspace.live(command.key, now), command.value)) return { op: command.op, ok: false };
            keyspace.put(command.key, { value: { type: 'string', value: command.value }, expiresAt: now + command.ttl });
            return { op: command.op, ok: true };
          }
          case 'eval': {
            const script = options.scripts?.[command.script];
            if (!script) throw new ConfigError(`${ctx.id}: no script named '${command.script}' is loaded`);
            meta = command.meta;
            drawn = 0;
            return { op: 'eval', value: script(redis, command.keys, command.args) };
          }
          default:
            return { op: command.op, value: keyspace.execute(command, now) };
        }
      } catch (error) {
        if (error instanceof WrongTypeError) return { op: 'error', error: 'WRONGTYPE' };
        throw error;
      }
    };

    /** For the diagrams: which client's lock key this server holds, and until when by its own clock. */
    const annotateLock = (command: RedisCommand, reply: RedisReply, client: string) => {
      if (!('ok' in reply) || !reply.ok) return;
      if (command.op === 'del-if-equal') ctx.annotate({ [command.key]: null });
      else if (command.op === 'set-nx-px' || command.op === 'pexpire-if-equal') {
        const expiresAt = keyspace.live(command.key, ctx.now())!.expiresAt!;
        ctx.annotate(() => ({ [command.key]: `${client} until ${formatTime(expiresAt)} by its clock` }));
      }
    };

    /** Replies once the single thread gets to the request, behind everything queued before it (and, with AOF, after fsync). */
    const answer = (envelope: Envelope, reply: unknown) => {
      if (unsynced.size > 0) fsync();
      if (cost === 0) return ctx.reply(envelope, reply);
      const now = ctx.now();
      busyUntil = Math.max(now, busyUntil) + cost;
      cost = 0;
      ctx.setTimer(busyUntil - now, { reply: envelope, body: reply });
    };

    if (replicating) ctx.setTimer(interval, 'replicate');
    if (options.snapshotInterval) ctx.setTimer(options.snapshotInterval, 'snapshot');

    return {
      onMessage(message: RedisMessage, envelope: Envelope) {
        switch (message.op) {
          case 'replicate':
            for (const w of message.writes) {
              keyspace.put(w.key, w.value === null ? undefined : { value: typeof w.value === 'string' ? { type: 'string', value: w.value } : valueOf(w.value), expiresAt: w.expiresAt ?? undefined });
            }
            return;
          case 'promote':
            primary = true;
            ctx.log('promoted to primary');
            return;
          case 'pipeline':
            return answer(envelope, { op: 'pipeline', replies: message.commands.map(execute) } satisfies PipelineReply);
          default: {
            const reply = execute(message);
            annotateLock(message, reply, envelope.from);
            return answer(envelope, reply);
          }
        }
      },
      onTimer(tag: 'replicate' | 'snapshot' | { reply: Envelope; body: unknown }) {
        if (tag === 'replicate') {
          if (primary && dirty.size > 0) {
            const writes = [...dirty].map((key): ReplicatedWrite => {
              const entry = keyspace.peek(key);
              return { key, value: entry ? replicatedValue(entry) : null, expiresAt: entry ? (entry.expiresAt ?? null) : 0 };
            });
            for (const replica of options.replicas!) ctx.send(replica, { op: 'replicate', writes });
            dirty.clear();
          }
          ctx.setTimer(interval, 'replicate');
        } else if (tag === 'snapshot') {
          ctx.disk.set('snapshot', keyspace.snapshot());
          ctx.setTimer(options.snapshotInterval!, 'snapshot');
        } else {
          ctx.reply(tag.reply, tag.body);
        }
      },
    };
  };
}

function holds(entry: Entry | undefined, value: string): boolean {
  return entry?.value.type === 'string' && entry.value.value === value;
}

/** Strings replicate as the bare string (as the lock designs always have); other types as a snapshot. */
function replicatedValue(entry: Entry): string | ValueSnapshot {
  return entry.value.type === 'string' ? entry.value.value : snapshotOf(entry.value);
}
