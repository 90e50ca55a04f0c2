import type { Disk, Micros, NodeModel } from '../../kernel/index.js';
import { paymentsFact } from './facts.js';

export type Value = string | number | null;
/** A row. Every row has an `id`; the database adds `seq` (insertion order in its table) and `createdAt` (its own clock). */
export type Row = Readonly<Record<string, Value>>;

export interface TableSchema {
  /** Columns whose values must be unique in the table: an insert that repeats one aborts the whole transaction. */
  unique?: readonly string[];
}
export type Schema = Readonly<Record<string, TableSchema>>;

/** One statement of a transaction. Reads see the transaction's own earlier writes. */
export type DbOp =
  /** `row.id` may be left out: the row then gets its `seq` as id (the outbox does this). */
  | { op: 'insert'; table: string; row: Row }
  /** Sets columns; aborts the transaction if the row is missing or does not match `expect` (compare-and-set). */
  | { op: 'update'; table: string; id: string; set: Row; expect?: Row }
  /** Aborts the transaction unless the row exists and matches `expect`. */
  | { op: 'check'; table: string; id: string; expect: Row }
  | { op: 'get'; table: string; id: string }
  /** Rows in insertion order: those after `afterSeq`, matching `where` (column → allowed values), created at least `olderThan` ago. */
  | { op: 'scan'; table: string; afterSeq?: number; where?: Readonly<Record<string, readonly Value[]>>; olderThan?: Micros; limit?: number };

export type DbRequest = { type: 'tx'; ops: readonly DbOp[] };

export type DbReply =
  | { type: 'committed'; results: ReadonlyArray<Row | Row[] | null> }
  | { type: 'aborted'; reason: 'unique'; op: number; column: string; existing: Row }
  | { type: 'aborted'; reason: 'conflict'; op: number; current: Row | null };

const rowKey = (table: string, id: string) => `row/${table}/${id}`;
const idsKey = (table: string) => `ids/${table}`;
const uniqueKey = (table: string, column: string, value: Value) => `unique/${table}/${column}/${String(value)}`;

function matches(row: Row, expect: Row): boolean {
  for (const column in expect) if (row[column] !== expect[column]) return false;
  return true;
}

/** A transaction's view: the committed disk, overlaid with what its own earlier statements wrote. */
class Transaction {
  /** Rows, id lists and unique-index entries written so far, by disk key. */
  readonly staged = new Map<string, unknown>();
  readonly writes: Array<{ table: string; id: string; before: Row | null; after: Row }> = [];

  constructor(private readonly disk: Disk) {}

  private get<T>(key: string): T | undefined {
    return this.staged.has(key) ? (this.staged.get(key) as T) : this.disk.get<T>(key);
  }
  read(table: string, id: string): Row | null {
    return this.get<Row>(rowKey(table, id)) ?? null;
  }
  ids(table: string): string[] {
    return this.get<string[]>(idsKey(table)) ?? [];
  }
  uniqueOwner(table: string, column: string, value: Value): string | undefined {
    return this.get<string>(uniqueKey(table, column, value));
  }
  write(table: string, id: string, before: Row | null, after: Row): void {
    this.staged.set(rowKey(table, id), after);
    this.writes.push({ table, id, before, after });
  }
}

/**
 * A relational database reduced to what the payment design relies on: a
 * transaction is a list of statements that commits as a whole or not at all,
 * unique constraints, and compare-and-set updates. A transaction is applied in one
 * step, so committed data is on `ctx.disk` and a crash loses only transactions
 * that had not reached the database yet (and, with them, their replies).
 *
 * Fact (`facts.ts`): `db-row` for every row a transaction commits.
 */
export function database(schema: Schema): NodeModel<DbRequest> {
  return (ctx) => ({
    onMessage(request, envelope) {
      const tx = new Transaction(ctx.disk);
      const results: Array<Row | Row[] | null> = [];
      for (let i = 0; i < request.ops.length; i++) {
        const op = request.ops[i]!;
        switch (op.op) {
          case 'insert': {
            const ids = tx.ids(op.table);
            const seq = ids.length + 1;
            const id = op.row.id === undefined || op.row.id === null ? String(seq) : String(op.row.id);
            const unique = schema[op.table]?.unique ?? [];
            for (const column of unique) {
              const owner = tx.uniqueOwner(op.table, column, op.row[column] ?? null);
              if (owner !== undefined) return ctx.reply(envelope, { type: 'aborted', reason: 'unique', op: i, column, existing: tx.read(op.table, owner)! } satisfies DbReply);
            }
            const clash = tx.read(op.table, id);
            if (clash !== null) return ctx.reply(envelope, { type: 'aborted', reason: 'unique', op: i, column: 'id', existing: clash } satisfies DbReply);
            const row: Row = { ...op.row, id, seq, createdAt: ctx.now() };
            tx.staged.set(idsKey(op.table), [...ids, id]);
            for (const column of unique) tx.staged.set(uniqueKey(op.table, column, row[column] ?? null), id);
            tx.write(op.table, id, null, row);
            results.push(row);
            break;
          }
          case 'update':
          case 'check': {
            const current = tx.read(op.table, op.id);
            if (current === null || (op.expect && !matches(current, op.expect))) {
              return ctx.reply(envelope, { type: 'aborted', reason: 'conflict', op: i, current } satisfies DbReply);
            }
            if (op.op === 'check') {
              results.push(current);
              break;
            }
            const row: Row = { ...current, ...op.set };
            tx.write(op.table, op.id, current, row);
            results.push(row);
            break;
          }
          case 'get':
            results.push(tx.read(op.table, op.id));
            break;
          case 'scan': {
            const ids = tx.ids(op.table);
            const rows: Row[] = [];
            const createdBefore = op.olderThan === undefined ? Infinity : ctx.now() - op.olderThan;
            const limit = op.limit ?? Infinity;
            for (let n = op.afterSeq ?? 0; n < ids.length && rows.length < limit; n++) {
              const row = tx.read(op.table, ids[n]!)!;
              if ((row.createdAt as number) > createdBefore) continue;
              if (op.where && !Object.entries(op.where).every(([column, allowed]) => allowed.includes(row[column] ?? null))) continue;
              rows.push(row);
            }
            results.push(rows);
            break;
          }
        }
      }
      // Commit: the transaction's writes reach the disk together, in this one step.
      for (const [key, value] of tx.staged) ctx.disk.set(key, value);
      for (const write of tx.writes) paymentsFact(ctx, 'db-row', write);
      // The whiteboard: each payment's and refund's state, one band per row, as it commits.
      for (const { table, id, after } of tx.writes) {
        if (table === 'payments' || table === 'refunds') ctx.annotate(() => ({ [id]: `${after.status}${after.idempotency_key ? ` (${after.idempotency_key})` : ''}` }));
      }
      ctx.reply(envelope, { type: 'committed', results } satisfies DbReply);
    },
  });
}
