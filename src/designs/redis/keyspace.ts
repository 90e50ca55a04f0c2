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
  | { type: 'hash'; fields: Map<string, string> }
  /** A list, head first (index 0 is what LPUSH adds and LRANGE 0 returns first). */
  | { type: 'list'; items: string[] };

/**
 * A sorted set: members ordered by score (then by insertion). Adding at the top and
 * removing from the bottom, as a sliding log does, cost a binary search and an array
 * push or shift rather than a scan. Finding a member is a scan while the set is small
 * and a lookup in an index once it is larger: most keys hold a few members, and a Map
 * for each would be most of a key's memory.
 */
export class SortedSet {
  private readonly scores: number[] = [];
  private readonly order: string[] = [];
  /**
   * Each member's print (`printOf`), in `order`'s order: a scan for a member, and the
   * lengths a removal subtracts, read these numbers side by side instead of each
   * member's string, a cache miss apiece when a million keys hold them.
   */
  private readonly prints: number[] = [];
  /** member → score, once the set has been past `SCANNED` members. */
  private index: Map<string, number> | undefined;
  /** The members' lengths, summed: what their strings take, without visiting them (`Keyspace.memory`). */
  private memberChars = 0;

  get size(): number {
    return this.order.length;
  }

  get totalMemberLength(): number {
    return this.memberChars;
  }

  /** Returns 1 if the member is new, 0 if it was there (its score is updated). */
  add(member: string, score: number): 0 | 1 {
    const print = printOf(member);
    const existing = this.positionOf(member, print);
    if (existing >= 0) {
      if (this.scores[existing] === score) return 0;
      this.removeAt(existing);
    } else this.memberChars += member.length;
    this.index?.set(member, score);
    const at = this.scores.length === 0 || this.scores[this.scores.length - 1]! <= score ? this.scores.length : this.firstAbove(score);
    if (at === this.scores.length) {
      this.scores.push(score);
      this.order.push(member);
      this.prints.push(print);
    } else {
      this.scores.splice(at, 0, score);
      this.order.splice(at, 0, member);
      this.prints.splice(at, 0, print);
    }
    if (this.index === undefined && this.order.length > SCANNED) this.index = new Map(this.order.map((m, i) => [m, this.scores[i]!]));
    return existing >= 0 ? 0 : 1;
  }

  /** Removes members with min ≤ score ≤ max; returns how many. */
  removeRange(min: number, max: number): number {
    const from = this.firstAbove(min, true);
    const to = this.firstAbove(max);
    if (to <= from) return 0;
    for (let i = from; i < to; i++) {
      this.index?.delete(this.order[i]!);
      this.memberChars -= lengthOf(this.prints[i]!);
    }
    this.scores.splice(from, to - from);
    this.order.splice(from, to - from);
    this.prints.splice(from, to - from);
    return to - from;
  }

  entries(): Array<[string, number]> {
    return this.order.map((member, i) => [member, this.scores[i]!]);
  }

  score(member: string): number | undefined {
    const at = this.positionOf(member, printOf(member));
    return at >= 0 ? this.scores[at] : undefined;
  }

  /** Members with min ≤ score ≤ max, lowest score first, at most `limit` of them. */
  rangeByScore(min: number, max: number, limit = Infinity): string[] {
    const from = this.firstAbove(min, true);
    const to = Math.min(this.firstAbove(max), from + limit);
    return this.order.slice(from, Math.max(from, to));
  }

  /** Returns 1 if the member was there. */
  remove(member: string): 0 | 1 {
    const at = this.positionOf(member, printOf(member));
    if (at < 0) return 0;
    this.removeAt(at);
    this.index?.delete(member);
    this.memberChars -= member.length;
    return 1;
  }

  members(): readonly string[] {
    return this.order;
  }

  /** Where the member (whose print is `print`) is, or -1. */
  private positionOf(member: string, print: number): number {
    if (this.index === undefined) {
      for (let i = 0; i < this.prints.length; i++) if (this.prints[i] === print && this.order[i] === member) return i;
      return -1;
    }
    const score = this.index.get(member);
    if (score === undefined) return -1;
    for (let i = this.firstAbove(score, true); ; i++) if (this.order[i] === member) return i;
  }

  private removeAt(i: number): void {
    this.scores.splice(i, 1);
    this.order.splice(i, 1);
    this.prints.splice(i, 1);
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

/** Past this many members a scan for one costs more than keeping an index (measured on the study's sliding logs). */
const SCANNED = 16;

/** Prints keep a member's length above 21 bits of a hash of its characters: equal members have equal prints. */
const HASH_BITS = 2 ** 21;

function printOf(member: string): number {
  let hash = 0;
  for (let i = 0; i < member.length; i++) hash = (hash * 31 + member.charCodeAt(i)) % HASH_BITS;
  return member.length * HASH_BITS + hash;
}

const lengthOf = (print: number) => Math.floor(print / HASH_BITS);

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
  /** LPUSH key element: returns the list's new length. */
  | { op: 'lpush'; key: string; element: string }
  /** RPUSH key element */
  | { op: 'rpush'; key: string; element: string }
  /** LINSERT key BEFORE|AFTER pivot element: the new length, -1 without the pivot, 0 without the key. */
  | { op: 'linsert'; key: string; where: 'before' | 'after'; pivot: string; element: string }
  /** LRANGE key start stop, both ends included; negative indexes count from the tail. */
  | { op: 'lrange'; key: string; start: number; stop: number }
  /** LREM key count element, count 0: removes every occurrence; returns how many. */
  | { op: 'lrem'; key: string; element: string }
  /** LTRIM key start stop: keeps only that range. */
  | { op: 'ltrim'; key: string; start: number; stop: number }
  | { op: 'llen'; key: string }
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
  | { type: 'hash'; fields: Array<[string, string]> }
  | { type: 'list'; items: string[] };

/**
 * The keys. A write to a key that exists updates its entry in place: the study writes
 * millions of keys, and a new entry object per write would survive into the old
 * generation and be copied by every scavenge on the way.
 */
export class Keyspace {
  private readonly entries = new Map<string, Entry>();
  /**
   * The key last looked up or written, and its entry as stored (undefined: none). A
   * script works on one key several times in a row (a sliding log's ZREMRANGEBYSCORE,
   * ZCARD, ZADD and PEXPIRE; a counter's GET then SET), and among a million keys each
   * Map lookup is a cache miss: the repeats are answered from here.
   */
  private lastKey: string | undefined;
  private lastEntry: Entry | undefined;

  /** `onWrite` sees every key a command changed, for replication. */
  constructor(private readonly onWrite?: (key: string) => void) {}

  get size(): number {
    return this.entries.size;
  }

  /** The live entry, expiring it first if its time has passed on `now`. */
  live(key: string, now: Micros): Entry | undefined {
    const entry = this.peek(key);
    if (entry && entry.expiresAt !== undefined && entry.expiresAt <= now) {
      this.entries.delete(key);
      this.lastEntry = undefined;
      return undefined;
    }
    return entry;
  }

  /** The entry as stored, expired or not. */
  peek(key: string): Entry | undefined {
    if (key !== this.lastKey) {
      this.lastKey = key;
      this.lastEntry = this.entries.get(key);
    }
    return this.lastEntry;
  }

  put(key: string, entry: Entry | undefined): void {
    if (entry) this.entries.set(key, entry);
    else this.entries.delete(key);
    this.lastKey = key;
    this.lastEntry = entry;
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
      case 'set': {
        const expiresAt = command.ttl === undefined ? undefined : now + command.ttl;
        if (entry?.value.type === 'string') this.update(key, entry, command.value, expiresAt);
        else this.put(key, { value: { type: 'string', value: command.value }, expiresAt });
        return 'OK';
      }
      case 'incr':
      case 'incrby': {
        const next = Number(entry ? asString(key, entry).value : '0') + (command.op === 'incr' ? 1 : command.by);
        if (!Number.isInteger(next)) throw new WrongTypeError(`INCR on '${key}': value is not an integer`);
        if (entry) this.update(key, entry, String(next), entry.expiresAt);
        else this.put(key, { value: { type: 'string', value: String(next) }, expiresAt: undefined });
        return next;
      }
      case 'del':
        if (entry) this.put(key, undefined);
        return entry ? 1 : 0;
      case 'pexpire':
        if (!entry) return 0;
        entry.expiresAt = now + command.ttl;
        this.changed(key);
        return 1;
      case 'zadd': {
        if (entry) {
          const added = asZset(key, entry).add(command.member, command.score);
          this.changed(key);
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
        if (removed > 0 && members.size === 0) this.put(key, undefined);
        else if (removed > 0) this.changed(key);
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
        if (entry) this.changed(key);
        else this.put(key, { value: { type: 'hash', fields }, expiresAt: undefined });
        return added;
      }
      case 'hgetall': {
        // A loop, not Object.fromEntries, whose generic iteration was most of what HGETALL cost;
        // a field named __proto__ is defined, as fromEntries would, not assigned.
        const hash: Record<string, string> = {};
        if (entry) {
          asHash(key, entry).forEach((value, field) => {
            if (field === '__proto__') Object.defineProperty(hash, field, { value, enumerable: true, writable: true, configurable: true });
            else hash[field] = value;
          });
        }
        return hash;
      }
      case 'memory-usage':
        return this.memory(key, now);
      case 'lpush':
      case 'rpush': {
        const items = entry ? asList(key, entry) : [];
        if (command.op === 'lpush') items.unshift(command.element);
        else items.push(command.element);
        this.put(key, { value: { type: 'list', items }, expiresAt: entry?.expiresAt });
        return items.length;
      }
      case 'linsert': {
        if (!entry) return 0;
        const items = asList(key, entry);
        const at = items.indexOf(command.pivot);
        if (at < 0) return -1;
        items.splice(command.where === 'before' ? at : at + 1, 0, command.element);
        this.put(key, entry);
        return items.length;
      }
      case 'lrange': {
        if (!entry) return [];
        const items = asList(key, entry);
        const [from, to] = listRange(items.length, command.start, command.stop);
        return items.slice(from, to);
      }
      case 'lrem': {
        if (!entry) return 0;
        const items = asList(key, entry);
        const kept = items.filter((item) => item !== command.element);
        const removed = items.length - kept.length;
        if (removed > 0) this.put(key, kept.length === 0 ? undefined : { value: { type: 'list', items: kept }, expiresAt: entry.expiresAt });
        return removed;
      }
      case 'ltrim': {
        if (!entry) return 'OK';
        const items = asList(key, entry);
        const [from, to] = listRange(items.length, command.start, command.stop);
        if (from > 0 || to < items.length) this.put(key, to <= from ? undefined : { value: { type: 'list', items: items.slice(from, to) }, expiresAt: entry.expiresAt });
        return 'OK';
      }
      case 'llen':
        return entry ? asList(key, entry).length : 0;
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
    return { entries: entryCount(entry.value), bytes: bytesOf(key, entry.value) };
  }

  /** Every live key's memory, summed (expired keys are deleted on the way, as `live` would). */
  totalMemory(now: Micros): MemoryInfo {
    let entries = 0;
    let bytes = 0;
    this.entries.forEach((entry, key) => {
      if (entry.expiresAt !== undefined && entry.expiresAt <= now) {
        this.entries.delete(key);
        if (key === this.lastKey) this.lastEntry = undefined;
        return;
      }
      entries += entryCount(entry.value);
      bytes += bytesOf(key, entry.value);
    });
    return { keys: this.entries.size, entries, bytes };
  }

  snapshot(): Array<[string, ValueSnapshot, Micros | null]> {
    return [...this.entries].map(([key, entry]) => [key, snapshotOf(entry.value), entry.expiresAt ?? null]);
  }

  restore(snapshot: ReadonlyArray<readonly [string, ValueSnapshot, Micros | null]>): void {
    this.entries.clear();
    this.lastKey = undefined;
    for (const [key, value, expiresAt] of snapshot) this.entries.set(key, { value: valueOf(value), expiresAt: expiresAt ?? undefined });
  }

  /** A new string value for a key that holds a string. */
  private update(key: string, entry: Entry, value: string, expiresAt: Micros | undefined): void {
    (entry.value as { value: string }).value = value;
    entry.expiresAt = expiresAt;
    this.changed(key);
  }

  /** An entry changed in place: it is stored already, only replication needs to know. */
  private changed(key: string): void {
    this.onWrite?.(key);
  }
}

function entryCount(value: Value): number {
  switch (value.type) {
    case 'string':
      return 1;
    case 'zset':
      return value.members.size;
    case 'hash':
      return value.fields.size;
    case 'list':
      return value.items.length;
  }
}

/** See `Keyspace.memory`. */
function bytesOf(key: string, value: Value): number {
  const keyBytes = 50 + key.length;
  switch (value.type) {
    case 'string':
      return keyBytes + (isInt64(value.value) ? 0 : value.value.length + 9);
    case 'zset': {
      const perMemberOverhead = value.members.size > 128 ? 11 + 64 : 11;
      return keyBytes + value.members.totalMemberLength + value.members.size * perMemberOverhead;
    }
    case 'hash': {
      let bytes = keyBytes;
      for (const [field, v] of value.fields) bytes += field.length + v.length + 4;
      return bytes;
    }
    case 'list': {
      // A quicklist: listpack nodes of about 8 KB (each about 32 bytes of node and
      // header), each element its bytes plus about 2 of encoding and back-length.
      let bytes = keyBytes;
      for (const item of value.items) bytes += item.length + 2;
      return bytes + 32 * Math.max(1, Math.ceil(bytes / 8192));
    }
  }
}

/** Whether Redis keeps the string as an integer: an optional minus and 1 to 19 digits (/^-?\d{1,19}$/). */
function isInt64(text: string): boolean {
  const start = text.charCodeAt(0) === 45 ? 1 : 0;
  const digits = text.length - start;
  if (digits < 1 || digits > 19) return false;
  for (let i = start; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

function asString(key: string, entry: Entry): { value: string } {
  if (entry.value.type !== 'string') throw new WrongTypeError(`'${key}' holds a ${entry.value.type}, not a string`);
  return entry.value;
}

function asZset(key: string, entry: Entry): SortedSet {
  if (entry.value.type !== 'zset') throw new WrongTypeError(`'${key}' holds a ${entry.value.type}, not a sorted set`);
  return entry.value.members;
}

function asList(key: string, entry: Entry): string[] {
  if (entry.value.type !== 'list') throw new WrongTypeError(`'${key}' holds a ${entry.value.type}, not a list`);
  return entry.value.items;
}

/** LRANGE/LTRIM's inclusive start and stop (negative: from the tail), as a slice's [from, to). */
function listRange(length: number, start: number, stop: number): [number, number] {
  const from = Math.max(0, start < 0 ? length + start : start);
  const to = Math.min(length, (stop < 0 ? length + stop : stop) + 1);
  return [from, Math.max(from, to)];
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
    case 'list':
      return { type: 'list', items: [...value.items] };
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
    case 'list':
      return { type: 'list', items: [...snapshot.items] };
  }
}
