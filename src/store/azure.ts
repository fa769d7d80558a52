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
import { TABLES, type ListQuery, type RecordStore, type StoredRecord, type TableName, type WriteCondition } from './records';

const PARTITION = 'r';

interface Entity {
  partitionKey: string;
  rowKey: string;
  v: string;
}

/** A `RecordStore` on Azure Tables (Azure Storage or Azurite). */
export class AzureRecordStore implements RecordStore {
  readonly kind = 'azure' as const;

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
      const entity = await this.tables[table].getEntity<Entity>(PARTITION, encodeKey(key));
      return { key, value: JSON.parse(entity.v) as T, etag: entity.etag };
    } catch (error) {
      if (statusOf(error) === 404) return undefined;
      throw error;
    }
  }

  async put<T>(table: TableName, key: string, value: T, condition?: WriteCondition): Promise<string | undefined> {
    const entity: Entity = { partitionKey: PARTITION, rowKey: encodeKey(key), v: JSON.stringify(value) };
    const client = this.tables[table];
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
      await this.tables[table].deleteEntity(PARTITION, encodeKey(key), condition ? { etag: condition.ifMatch } : {});
      return true;
    } catch (error) {
      const status = statusOf(error);
      if (status === 404 || status === 412) return false;
      throw error;
    }
  }

  async list<T>(table: TableName, query: ListQuery = {}): Promise<StoredRecord<T>[]> {
    const clauses = [odata`PartitionKey eq ${PARTITION}`];
    if (query.prefix) {
      const prefix = encodeKey(query.prefix);
      clauses.push(odata`RowKey ge ${prefix}`, odata`RowKey lt ${`${prefix}\uffff`}`);
    }
    if (query.after !== undefined) clauses.push(odata`RowKey gt ${encodeKey(query.after)}`);
    if (query.before !== undefined) clauses.push(odata`RowKey lt ${encodeKey(query.before)}`);
    const records: StoredRecord<T>[] = [];
    const entities = this.tables[table].listEntities<Entity>({ queryOptions: { filter: clauses.join(' and ') } });
    for await (const entity of entities) {
      records.push({ key: decodeKey(entity.rowKey), value: JSON.parse(entity.v) as T, etag: entity.etag });
      if (query.limit && records.length >= query.limit) break;
    }
    return records;
  }

  async ping(): Promise<void> {
    const iterator = this.tables.claims.listEntities({ queryOptions: { filter: odata`PartitionKey eq ${PARTITION}` } });
    await iterator.byPage({ maxPageSize: 1 }).next();
  }

  async close(): Promise<void> {
    // The table clients hold no open resources beyond pooled sockets.
  }
}

/** Row keys may not contain `/ \ # ?` or control characters; `%` escapes keep prefixes and order of the rest. */
export function encodeKey(key: string): string {
  return key.replace(/[%/\\#?\u0000-\u001f\u007f-\u009f]/g, (c) => `%${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

function decodeKey(key: string): string {
  return key.replace(/%([0-9a-f]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
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
