/**
 * The fleet store: Azure Tables, so several instances of the bot share subscriptions, claims and the audit log.
 *
 * Each `TableName` is one Azure table; a record is one entity (PartitionKey `r`, RowKey = the encoded key) with
 * its JSON in the `v` property. Conditional writes map to the service's ETags, so two instances can never both
 * win the same claim.
 */
import type { TokenCredential } from '@azure/core-auth';
import { TableClient, TableServiceClient, odata } from '@azure/data-tables';
import type { StoreConfig } from '../config';
import {
  TABLES,
  type ListQuery,
  type RecordStore,
  type StoredRecord,
  type TableName,
  type WriteCondition,
} from './records';

const PARTITION = 'r';

interface Entity {
  partitionKey: string;
  rowKey: string;
  v: string;
}

/** A `RecordStore` on Azure Tables (Azure Storage or Azurite). */
export class AzureRecordStore implements RecordStore {
  readonly kind = 'azure' as const;
  private closed = false;

  private constructor(private readonly tables: Record<TableName, TableClient>) {}

  /** Connects (connection string, or account URL with a token credential) and creates the tables if needed. */
  static async open(
    config: Extract<StoreConfig, { kind: 'azure' }>,
    credential?: TokenCredential,
  ): Promise<AzureRecordStore> {
    const options = { allowInsecureConnection: isLoopback(config.connectionString ?? config.accountUrl ?? '') };
    const client = (name: string): TableClient => {
      if (config.connectionString) return TableClient.fromConnectionString(config.connectionString, name, options);
      if (!credential) throw new Error('AZURE_STORAGE_ACCOUNT_URL needs a token credential (managed identity)');
      return new TableClient(tableEndpoint(config.accountUrl!), name, credential, options);
    };
    const service = config.connectionString
      ? TableServiceClient.fromConnectionString(config.connectionString, options)
      : new TableServiceClient(tableEndpoint(config.accountUrl!), credential!, options);
    const tables = {} as Record<TableName, TableClient>;
    for (const table of TABLES) {
      const name = `${config.tablePrefix}${table[0].toUpperCase()}${table.slice(1)}`;
      await service.createTable(name); // no-op when it exists
      tables[table] = client(name);
    }
    return new AzureRecordStore(tables);
  }

  async get<T>(table: TableName, key: string): Promise<StoredRecord<T> | undefined> {
    try {
      const entity = await this.client(table).getEntity<Entity>(PARTITION, encodeKey(key));
      return { key, value: JSON.parse(entity.v) as T, etag: entity.etag };
    } catch (error) {
      if (statusOf(error) === 404) return undefined;
      throw error;
    }
  }

  async put<T>(table: TableName, key: string, value: T, condition?: WriteCondition): Promise<string | undefined> {
    const entity: Entity = { partitionKey: PARTITION, rowKey: encodeKey(key), v: JSON.stringify(value) };
    const client = this.client(table);
    try {
      if (!condition) return (await client.upsertEntity(entity, 'Replace')).etag;
      if ('ifNoneMatch' in condition) return (await client.createEntity(entity)).etag;
      return (await client.updateEntity(entity, 'Replace', { etag: condition.ifMatch })).etag;
    } catch (error) {
      const status = statusOf(error);
      if (condition && (status === 409 || status === 412 || status === 404)) return undefined;
      throw error;
    }
  }

  async delete(table: TableName, key: string, condition?: { ifMatch: string }): Promise<boolean> {
    try {
      await this.client(table).deleteEntity(PARTITION, encodeKey(key), condition ? { etag: condition.ifMatch } : {});
      return true;
    } catch (error) {
      const status = statusOf(error);
      if (status === 404 || status === 412) return false;
      throw error;
    }
  }

  async list<T>(table: TableName, query: ListQuery = {}): Promise<StoredRecord<T>[]> {
    const client = this.client(table);
    const clauses = [odata`PartitionKey eq ${PARTITION}`];
    if (query.prefix) {
      const prefix = encodeKey(query.prefix);
      clauses.push(odata`RowKey ge ${prefix}`);
      const end = prefixEnd(prefix);
      if (end !== undefined) clauses.push(odata`RowKey lt ${end}`);
    }
    if (query.after !== undefined) clauses.push(odata`RowKey gt ${encodeKey(query.after)}`);
    if (query.before !== undefined) clauses.push(odata`RowKey lt ${encodeKey(query.before)}`);
    const limit = query.limit ? Math.max(1, Math.floor(query.limit)) : undefined;
    const pages = client
      .listEntities<Entity>({ queryOptions: { filter: clauses.join(' and ') } })
      .byPage({ maxPageSize: Math.min(limit ?? MAX_PAGE, MAX_PAGE) });
    const records: StoredRecord<T>[] = [];
    for await (const page of pages) {
      for (const entity of page) {
        const key = decodeKey(entity.rowKey);
        // Keys come in order, so the first one past the prefix ends the prefix.
        if (query.prefix && !key.startsWith(query.prefix)) return records;
        records.push({ key, value: JSON.parse(entity.v) as T, etag: entity.etag });
        if (limit && records.length >= limit) return records;
      }
    }
    return records;
  }

  async ping(): Promise<void> {
    const filter = odata`PartitionKey eq ${PARTITION}`;
    await this.client('claims').listEntities({ queryOptions: { filter } }).byPage({ maxPageSize: 1 }).next();
  }

  async close(): Promise<void> {
    // The table clients hold no open resources beyond pooled sockets; refusing further use keeps close() meaningful.
    this.closed = true;
  }

  private client(table: TableName): TableClient {
    if (this.closed) throw new Error(`store: the Azure record store is closed (${table})`);
    return this.tables[table];
  }
}

/** The most entities the service returns in one page. */
const MAX_PAGE = 1000;

/**
 * Runs of characters written as an escape character and two hex digits. Row keys may not hold `/ \ # ?` or control
 * characters, and `%` trips some services. Each escape character lies inside its run and is escaped too, so the
 * encoding keeps both the prefixes and the order of keys: `after`, `before` and `prefix` work on encoded keys.
 */
const ESCAPE_RUNS: readonly { escape: string; first: number; last: number }[] = [
  { escape: '!', first: 0x00, last: 0x25 }, // control characters, space ! " # $ %
  { escape: '.', first: 0x2e, last: 0x2f }, // . /
  { escape: '>', first: 0x3e, last: 0x3f }, // > ?
  { escape: '[', first: 0x5b, last: 0x5c }, // [ \
  { escape: '~', first: 0x7e, last: 0x9f }, // ~ DEL and C1 control characters
];
const u = (code: number) => `\\u${code.toString(16).padStart(4, '0')}`;
const oneOf = (parts: string[]) => `[${parts.join('')}]`;
const ESCAPED = new RegExp(oneOf(ESCAPE_RUNS.map((r) => `${u(r.first)}-${u(r.last)}`)), 'g');
const ENCODED = new RegExp(`${oneOf(ESCAPE_RUNS.map((r) => u(r.escape.charCodeAt(0))))}([0-9a-f]{2})`, 'g');

/** The row key of a record key. */
export function encodeKey(key: string): string {
  return key.replace(ESCAPED, (c) => {
    const code = c.charCodeAt(0);
    const run = ESCAPE_RUNS.find((r) => code >= r.first && code <= r.last)!;
    return `${run.escape}${code.toString(16).padStart(2, '0')}`;
  });
}

/** The record key of a row key. */
function decodeKey(rowKey: string): string {
  return rowKey.replace(ENCODED, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

/**
 * The smallest row key above every row key that starts with `prefix` (the service compares UTF-16 code units), or
 * `undefined` when that would end in half a surrogate pair or there is none; `list` then stops on the first key
 * past the prefix.
 */
function prefixEnd(prefix: string): string | undefined {
  const end = prefix.replace(/\uffff+$/, '');
  if (!end) return undefined;
  const last = end.charCodeAt(end.length - 1);
  const lowSurrogate = last >= 0xdc00 && last <= 0xdfff;
  // The bound must stay well-formed UTF-16 to survive the request: a low surrogate may only step to another one.
  if (lowSurrogate ? last === 0xdfff : last + 1 >= 0xd800 && last + 1 <= 0xdfff) return undefined;
  return `${end.slice(0, -1)}${String.fromCharCode(last + 1)}`;
}

/** Accepts the account's table endpoint, or its blob endpoint and derives the table one. */
function tableEndpoint(accountUrl: string): string {
  return accountUrl.replace('.blob.', '.table.').replace(/\/+$/, '');
}

function isLoopback(urlOrConnectionString: string): boolean {
  return /https?:\/\/(127\.0\.0\.1|localhost|\[::1\])[:/]/.test(urlOrConnectionString);
}

function statusOf(error: unknown): number | undefined {
  return (error as { statusCode?: number } | undefined)?.statusCode;
}
