/**
 * The storage primitive every Watchstander store implements: JSON records in named tables, with ETags.
 *
 * Domain repositories (conversations, subscriptions, approvals, trackers, audit, claims) are written once on top of
 * this interface; SQLite (one instance) and Azure Tables (several instances) implement it. Conditional writes make
 * every "only one of us may do this" decision safe across processes.
 */

/** The tables Watchstander keeps. */
export type TableName =
  | 'conversations'
  | 'subscriptions'
  | 'snapshots'
  | 'requests'
  | 'trackers'
  | 'audit'
  | 'intents'
  | 'claims'
  | 'sightings'
  | 'cards';

export const TABLES: readonly TableName[] = [
  'conversations',
  'subscriptions',
  'snapshots',
  'requests',
  'trackers',
  'audit',
  'intents',
  'claims',
  'sightings',
  'cards',
];

/** A stored record and the ETag of its current version. */
export interface StoredRecord<T> {
  key: string;
  value: T;
  etag: string;
}

/** A write precondition: create only if absent, or replace only the version read. */
export type WriteCondition = { ifNoneMatch: '*' } | { ifMatch: string };

/**
 * Options of `list`: keys are returned in ascending order, as JavaScript compares strings (UTF-16 code units).
 * SQLite compares code points instead, which differs only between characters U+E000–U+FFFF and those above U+FFFF.
 */
export interface ListQuery {
  /** Only keys that start with this. */
  prefix?: string;
  /** Only keys strictly greater than this. */
  after?: string;
  /** Only keys strictly less than this. */
  before?: string;
  /** At most this many records. */
  limit?: number;
}

/** JSON records in tables, with optimistic concurrency. */
export interface RecordStore {
  /** `sqlite` or `azure`, for `/healthz`. */
  readonly kind: 'sqlite' | 'azure';
  /** Reads one record. */
  get<T>(table: TableName, key: string): Promise<StoredRecord<T> | undefined>;
  /**
   * Writes one record. With a condition, returns `undefined` when the condition does not hold (someone else
   * created or changed the record first) and writes nothing; otherwise returns the new ETag.
   */
  put<T>(table: TableName, key: string, value: T, condition?: WriteCondition): Promise<string | undefined>;
  /** Deletes one record; with `ifMatch`, only that version. Returns whether a record was deleted. */
  delete(table: TableName, key: string, condition?: { ifMatch: string }): Promise<boolean>;
  /** Lists records in key order. */
  list<T>(table: TableName, query?: ListQuery): Promise<StoredRecord<T>[]>;
  /** Throws when the store cannot be reached. */
  ping(): Promise<void>;
  /** Releases connections and files. */
  close(): Promise<void>;
}

/**
 * Applies `update` to a record with compare-and-set, retrying when another writer got there first.
 *
 * `update` receives the current value (or `undefined`) and returns the new value, or `undefined` to leave the
 * record as it is. Returns the value that was stored (or left). Every lost race means another writer won, so `n`
 * writers of one record need at most `n` attempts; the random pause between attempts keeps them out of lockstep.
 */
export async function updateRecord<T>(
  store: RecordStore,
  table: TableName,
  key: string,
  update: (current: T | undefined) => T | undefined,
  attempts = 32,
): Promise<T | undefined> {
  for (let attempt = 1; attempt <= attempts; attempt++) {
    const current = await store.get<T>(table, key);
    const next = update(current?.value);
    if (next === undefined) return current?.value;
    const written = await store.put(table, key, next, current ? { ifMatch: current.etag } : { ifNoneMatch: '*' });
    if (written !== undefined) return next;
    if (attempt < attempts) await contentionPause(attempt);
  }
  throw new Error(`store: gave up updating ${table}/${key} after ${attempts} concurrent changes`);
}

/** Waits a random time, up to 2, 4, 8 … 64 ms, after the `attempt`-th lost compare-and-set. */
function contentionPause(attempt: number): Promise<void> {
  const ceilingMs = 2 ** Math.min(attempt, 6);
  return new Promise((resolve) => setTimeout(resolve, Math.random() * ceilingMs));
}

/** A key that sorts newest first: the inverted millisecond time, then a tiebreaker. */
export function newestFirstKey(at: Date, tiebreak: string): string {
  return `${String(9_999_999_999_999 - at.getTime()).padStart(13, '0')}-${tiebreak}`;
}
