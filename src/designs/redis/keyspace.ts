import type { Micros } from '../../kernel/index.js';

/**
 * A Redis keyspace as plain data: strings, sorted sets and hashes, with expiry
 * read against a clock the caller passes in (the server's own wall clock). It knows
 * nothing of the network, so it is unit-testable and also serves as the "local
 * memory" an API server keeps when it limits without a store.
 */
export type Value =
  | { type: 'string'; value: string }
  | { type: 'zset'; members: SortedSet }
  | { type: 'hash'; fields: Map<string, string> };

/**
 * A sorted set: members ordered by score (then by insertion), with an index from
 * member to score. Adding at the top and removing from the bottom, as a sliding log
 * does, cost a binary search and an array shift rather than a scan.
 */
export class SortedSet {
  private readonly scores: number[] = [];
  private readonly order: string[] = [];
  private readonly index = new Map<string, number>();

  get size(): number {
    return this.index.size;
  }

  /** Returns 1 if the member is new, 0 if it was there (its score is updated). */
  add(member: string, score: number): 0 | 1 {
    const existing = this.index.get(member);
    if (existing !== undefined) {
      if (existing === score) return 0;
      this.removeAt(this.positionOf(member, existing));
    }
    this.index.set(member, score);
    const at = this.scores.length === 0 || this.scores[this.scores.length - 1]! <= score ? this.scores.length : this.firstAbove(score);
    this.scores.splice(at, 0, score);
    this.order.splice(at, 0, member);
    return existing === undefined ? 1 : 0;
  }

  /** Removes members with min ≤ score ≤ max; returns how many. */
  removeRange(min: number, max: number): number {
    const from = this.firstAbove(min, true);
    const to = this.firstAbove(max);
    if (to <= from) return 0;
    for (let i = from; i < to; i++) this.index.delete(this.order[i]!);
    this.scores.splice(from, to - from);
    this.order.splice(from, to - from);
    return to - from;
  }

  entries(): Array<[string, number]> {
    return this.order.map((member, i) => [member, this.scores[i]!]);
  }

  score(member: string): number | undefined {
    return this.index.get(member);
  }

  /** Members with min ≤ score ≤ max, lowest score first, at most `limit` of them. */
  rangeByScore(min: number, max: number, limit = Infinity): string[] {
    const from = this.firstAbove(min, true);
    const to = Math.min(this.firstAbove(max), from + limit);
    return this.order.slice(from, Math.max(from, to));
  }

  /** Returns 1 if the member was there. */
  remove(member: string): 0 | 1 {
    const score = this.index.get(member);
    if (score === undefined) return 0;
    this.removeAt(this.positionOf(member, score));
    this.index.delete(member);
    return 1;
  }

  members(): readonly string[] {
    return this.order;
  }

  private positionOf(member: string, score: number): number {
    for (let i = this.firstAbove(score, true); ; i++) if (this.order[i] === member) return i;
  }

  private removeAt(i: number): void {
    this.scores.splice(i, 1);
    this.order.splice(i, 1);
  }

  /** First position whose score is above `score` (or at or above it, with `inclusive`). */
  private firstAbove(score: number, inclusive = false): number {
    let lo = 0;
    let hi = this.scores.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const s = this.scores[mid]!;
      if (s < score || (!inclusive && s === score)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

export interface Entry {
  value: Value;
  /** On the owning server's wall clock; undefined: the key never expires. */
  expiresAt: Micros | undefined;
}

/** The data commands, as plain messages. Each replies `{ op, value }`. */
export type DataCommand =
  | { op: 'get'; key: string }
  /** SET key value [PX ttl] */
  | { op: 'set'; key: string; value: string; ttl?: Micros }
  | { op: 'incr'; key: string }
  | { op: 'incrby'; key: string; by: number }
  | { op: 'del'; key: string }
  /** PEXPIRE key ttl (EXPIRE, in microseconds) */
  | { op: 'pexpire'; key: string; ttl: Micros }
  | { op: 'zadd'; key: string; score: number; member: string }
  /** ZREMRANGEBYSCORE key min max, both ends included */
  | { op: 'zremrangebyscore'; key: string; min: number; max: number }
  | { op: 'zcard'; key: string }
  /** ZRANGEBYSCORE key min max [LIMIT 0 count], both ends included */
  | { op: 'zrangebyscore'; key: string; min: number; max: number; limit?: number }
  | { op: 'zrem'; key: string; member: string }
  | { op: 'zscore'; key: string; member: string }
  | { op: 'hget'; key: string; field: string }
  | { op: 'hincrby'; key: string; field: string; by: number }
  | { op: 'hset'; key: string; fields: Record<string, string> }
  | { op: 'hgetall'; key: string }
  /** TIME: the server's own wall clock */
  | { op: 'time' }
  /** MEMORY USAGE key, as entries and approximate bytes */
  | { op: 'memory-usage'; key: string }
  /** INFO memory, reduced to the totals over every live key */
  | { op: 'info-memory' }
  | { op: 'flushall' };

export type RedisValue = string | number | null | string[] | Record<string, string> | MemoryUsage | MemoryInfo;

export interface MemoryUsage {
  entries: number;
  bytes: number;
}

export interface MemoryInfo extends MemoryUsage {
  keys: number;
}

/** A command applied to a key holding another type (Redis's WRONGTYPE). */
export class WrongTypeError extends Error {
  override name = 'WrongTypeError';
}

/** A value snapshot in plain arrays (Maps do not survive JSON): for replication, persistence and traces. */
export type ValueSnapshot =
  | { type: 'string'; value: string }
  | { type: 'zset'; members: Array<[string, number]> }
  | { type: 'hash'; fields: Array<[string, string]> };

export class Keyspace {
  private readonly entries = new Map<string, Entry>();

  /** `onWrite` sees every key a command changed, for replication. */
  constructor(private readonly onWrite?: (key: string) => void) {}

  get size(): number {
    return this.entries.size;
  }

  /** The live entry, expiring it first if its time has passed on `now`. */
  live(key: string, now: Micros): Entry | undefined {
    const entry = this.entries.get(key);
    if (entry && entry.expiresAt !== undefined && entry.expiresAt <= now) {
      this.entries.delete(key);
      return undefined;
    }
    return entry;
  }

  /** The entry as stored, expired or not. */
  peek(key: string): Entry | undefined {
    return this.entries.get(key);
  }

  put(key: string, entry: Entry | undefined): void {
    if (entry) this.entries.set(key, entry);
    else this.entries.delete(key);
    this.onWrite?.(key);
  }

  execute(command: DataCommand, now: Micros): RedisValue {
    switch (command.op) {
      case 'time':
        return now;
      case 'info-memory':
        return this.totalMemory(now);
      case 'flushall':
        for (const key of [...this.entries.keys()]) this.put(key, undefined);
        return 'OK';
    }
    const key = command.key;
    const entry = this.live(key, now);
    switch (command.op) {
      case 'get':
        return entry ? asString(key, entry).value : null;
      case 'set':
        this.put(key, { value: { type: 'string', value: command.value }, expiresAt: command.ttl === undefined ? undefined : now + command.ttl });
        return 'OK';
      case 'incr':
      case 'incrby': {
        const next = Number(entry ? asString(key, entry).value : '0') + (command.op === 'incr' ? 1 : command.by);
        if (!Number.isInteger(next)) throw new WrongTypeError(`INCR on '${key}': value is not an integer`);
        this.put(key, { value: { type: 'string', value: String(next) }, expiresAt: entry?.expiresAt });
        return next;
      }
      case 'del':
        if (entry) this.put(key, undefined);
        return entry ? 1 : 0;
      case 'pexpire':
        if (!entry) return 0;
        this.put(key, { value: entry.value, expiresAt: now + command.ttl });
        return 1;
      case 'zadd': {
        if (entry) {
          const added = asZset(key, entry).add(command.member, command.score);
          this.put(key, entry);
          return added;
        }
        const members = new SortedSet();
        members.add(command.member, command.score);
        this.put(key, { value: { type: 'zset', members }, expiresAt: undefined });
        return 1;
      }
      case 'zremrangebyscore': {
        if (!entry) return 0;
        const members = asZset(key, entry);
        const removed = members.removeRange(command.min, command.max);
        if (removed > 0) this.put(key, members.size === 0 ? undefined : entry);
        return removed;
      }
      case 'zcard':
        return entry ? asZset(key, entry).size : 0;
      case 'zrangebyscore':
        return entry ? asZset(key, entry).rangeByScore(command.min, command.max, command.limit) : [];
      case 'zrem': {
        if (!entry) return 0;
        const members = asZset(key, entry);
        const removed = members.remove(command.member);
        if (removed > 0) this.put(key, members.size === 0 ? undefined : entry);
        return removed;
      }
      case 'zscore': {
        const score = entry ? asZset(key, entry).score(command.member) : undefined;
        return score === undefined ? null : String(score);
      }
      case 'hget':
        return (entry ? asHash(key, entry).get(command.field) : undefined) ?? null;
      case 'hincrby': {
        const fields = entry ? asHash(key, entry) : new Map<string, string>();
        const next = Number(fields.get(command.field) ?? '0') + command.by;
        if (!Number.isInteger(next)) throw new WrongTypeError(`HINCRBY on '${key}' field '${command.field}': value is not an integer`);
        fields.set(command.field, String(next));
        this.put(key, { value: { type: 'hash', fields }, expiresAt: entry?.expiresAt });
        return next;
      }
      case 'hset': {
        const fields = entry ? asHash(key, entry) : new Map<string, string>();
        let added = 0;
        for (const field in command.fields) {
          if (!fields.has(field)) added++;
          fields.set(field, command.fields[field]!);
        }
        this.put(key, { value: { type: 'hash', fields }, expiresAt: entry?.expiresAt });
        return added;
      }
      case 'hgetall':
        return entry ? Object.fromEntries(asHash(key, entry)) : {};
      case 'memory-usage':
        return this.memory(key, now);
    }
  }

  /**
   * Approximate memory of one key, after Redis's 64-bit encodings: about 50 bytes
   * of dictionary entry, object header and expiry per key, plus the value. Small
   * sorted sets and hashes are listpacks (a few bytes over their strings per entry);
   * a sorted set past 128 members becomes a skiplist plus a dict (about 64 more per member).
   */
  memory(key: string, now: Micros): MemoryUsage {
    const entry = this.live(key, now);
    if (!entry) return { entries: 0, bytes: 0 };
    const keyBytes = 50 + key.length;
    const value = entry.value;
    switch (value.type) {
      case 'string':
        return { entries: 1, bytes: keyBytes + (/^-?\d{1,19}$/.test(value.value) ? 0 : value.value.length + 9) };
      case 'zset': {
        const perMemberOverhead = value.members.size > 128 ? 11 + 64 : 11;
        let bytes = keyBytes;
        for (const member of value.members.members()) bytes += member.length + perMemberOverhead;
        return { entries: value.members.size, bytes };
      }
      case 'hash': {
        let bytes = keyBytes;
        for (const [field, v] of value.fields) bytes += field.length + v.length + 4;
        return { entries: value.fields.size, bytes };
      }
    }
  }

  /** Every live key's memory, summed. */
  totalMemory(now: Micros): MemoryInfo {
    let entries = 0;
    let bytes = 0;
    for (const key of [...this.entries.keys()]) {
      const usage = this.memory(key, now);
      entries += usage.entries;
      bytes += usage.bytes;
    }
    return { keys: this.entries.size, entries, bytes };
  }

  snapshot(): Array<[string, ValueSnapshot, Micros | null]> {
    return [...this.entries].map(([key, entry]) => [key, snapshotOf(entry.value), entry.expiresAt ?? null]);
  }

  restore(snapshot: ReadonlyArray<readonly [string, ValueSnapshot, Micros | null]>): void {
    this.entries.clear();
    for (const [key, value, expiresAt] of snapshot) this.entries.set(key, { value: valueOf(value), expiresAt: expiresAt ?? undefined });
  }
}

function asString(key: string, entry: Entry): { value: string } {
  if (entry.value.type !== 'string') throw new WrongTypeError(`'${key}' holds a ${entry.value.type}, not a string`);
  return entry.value;
}

function asZset(key: string, entry: Entry): SortedSet {
  if (entry.value.type !== 'zset') throw new WrongTypeError(`'${key}' holds a ${entry.value.type}, not a sorted set`);
  return entry.value.members;
}

function asHash(key: string, entry: Entry): Map<string, string> {
  if (entry.value.type !== 'hash') throw new WrongTypeError(`'${key}' holds a ${entry.value.type}, not a hash`);
  return entry.value.fields;
}

export function snapshotOf(value: Value): ValueSnapshot {
  switch (value.type) {
    case 'string':
      return { type: 'string', value: value.value };
    case 'zset':
      return { type: 'zset', members: value.members.entries() };
    case 'hash':
      return { type: 'hash', fields: [...value.fields] };
  }
}

export function valueOf(snapshot: ValueSnapshot): Value {
  switch (snapshot.type) {
    case 'string':
      return { type: 'string', value: snapshot.value };
    case 'zset': {
      const members = new SortedSet();
      for (const [member, score] of snapshot.members) members.add(member, score);
      return { type: 'zset', members };
    }
    case 'hash':
      return { type: 'hash', fields: new Map(snapshot.fields) };
  }
}
