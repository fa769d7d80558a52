/**
 * The embedded store: one SQLite file (better-sqlite3), for a single instance of the bot.
 */
import Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { ListQuery, RecordStore, StoredRecord, TableName, WriteCondition } from './records';

interface Row {
  key: string;
  value: string;
  etag: string;
}

/** A `RecordStore` in one SQLite database file (or `:memory:`). */
export class SqliteRecordStore implements RecordStore {
  readonly kind = 'sqlite' as const;
  private readonly db: Database.Database;

  constructor(path: string) {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    this.db = new Database(path);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('busy_timeout = 5000');
    this.db.exec(
      `CREATE TABLE IF NOT EXISTS records (
         tbl TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL, etag TEXT NOT NULL,
         PRIMARY KEY (tbl, key)
       ) WITHOUT ROWID`,
    );
  }

  private readonly statements = new Map<string, Database.Statement>();

  /** A prepared statement, prepared once per SQL text. */
  private statement(sql: string): Database.Statement {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }

  async get<T>(table: TableName, key: string): Promise<StoredRecord<T> | undefined> {
    const row = this.statement('SELECT key, value, etag FROM records WHERE tbl = ? AND key = ?').get(table, key) as
      | Row
      | undefined;
    return row && toRecord<T>(row);
  }

  async put<T>(table: TableName, key: string, value: T, condition?: WriteCondition): Promise<string | undefined> {
    const etag = randomUUID();
    const json = JSON.stringify(value);
    let changes: number;
    if (!condition) {
      changes = this.statement(
        `INSERT INTO records (tbl, key, value, etag) VALUES (?, ?, ?, ?)
           ON CONFLICT (tbl, key) DO UPDATE SET value = excluded.value, etag = excluded.etag`,
      ).run(table, key, json, etag).changes;
    } else if ('ifNoneMatch' in condition) {
      changes = this.statement('INSERT OR IGNORE INTO records (tbl, key, value, etag) VALUES (?, ?, ?, ?)').run(
        table,
        key,
        json,
        etag,
      ).changes;
    } else {
      changes = this.statement('UPDATE records SET value = ?, etag = ? WHERE tbl = ? AND key = ? AND etag = ?').run(
        json,
        etag,
        table,
        key,
        condition.ifMatch,
      ).changes;
    }
    return changes > 0 ? etag : undefined;
  }

  async delete(table: TableName, key: string, condition?: { ifMatch: string }): Promise<boolean> {
    const result = condition
      ? this.statement('DELETE FROM records WHERE tbl = ? AND key = ? AND etag = ?').run(table, key, condition.ifMatch)
      : this.statement('DELETE FROM records WHERE tbl = ? AND key = ?').run(table, key);
    return result.changes > 0;
  }

  async list<T>(table: TableName, query: ListQuery = {}): Promise<StoredRecord<T>[]> {
    const where = ['tbl = ?'];
    const args: unknown[] = [table];
    if (query.prefix) {
      where.push('key >= ?');
      args.push(query.prefix);
      const end = prefixEnd(query.prefix);
      if (end !== undefined) {
        where.push('key < ?');
        args.push(end);
      }
    }
    if (query.after !== undefined) {
      where.push('key > ?');
      args.push(query.after);
    }
    if (query.before !== undefined) {
      where.push('key < ?');
      args.push(query.before);
    }
    const limit = query.limit ? ` LIMIT ${Math.max(1, Math.floor(query.limit))}` : '';
    const rows = this.statement(
      `SELECT key, value, etag FROM records WHERE ${where.join(' AND ')} ORDER BY key${limit}`,
    ).all(...args) as Row[];
    return rows.map((row) => toRecord<T>(row));
  }

  async ping(): Promise<void> {
    this.statement('SELECT 1').get();
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}

function toRecord<T>(row: Row): StoredRecord<T> {
  return { key: row.key, value: JSON.parse(row.value) as T, etag: row.etag };
}

/**
 * The smallest string above every string that starts with `prefix` in SQLite's order (UTF-8 bytes, so code points),
 * or `undefined` when there is none. `prefix + "\uffff"` is no such bound: characters beyond U+FFFF (emoji) sort above.
 */
function prefixEnd(prefix: string): string | undefined {
  const points = [...prefix].map((c) => c.codePointAt(0)!);
  while (points.at(-1) === 0x10ffff) points.pop();
  const last = points.pop();
  if (last === undefined) return undefined;
  points.push(last + 1 === 0xd800 ? 0xe000 : last + 1); // surrogates are not characters
  return String.fromCodePoint(...points);
}
