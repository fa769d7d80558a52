/**
 * The two record store backends, each able to open any number of fresh, empty stores: the store contract suite runs
 * the same tests against both.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AzureRecordStore } from '../../src/store/azure';
import type { RecordStore } from '../../src/store/records';
import { SqliteRecordStore } from '../../src/store/sqlite';
import { startAzurite, type RunningAzurite } from './azurite';

/** A backend under test: `start` once, `open` one fresh store per test, `stop` once. */
export interface StoreBackend {
  start(): Promise<void>;
  /** A new, empty store that shares nothing with the stores opened before. */
  open(): Promise<RecordStore>;
  stop(): Promise<void>;
}

/** SQLite: a new database file per store, in a temporary folder removed at `stop`. */
export function sqliteBackend(): StoreBackend {
  let folder = '';
  let opened = 0;
  return {
    async start() {
      folder = mkdtempSync(join(tmpdir(), 'watchstander-store-'));
    },
    async open() {
      return new SqliteRecordStore(join(folder, `store-${++opened}.db`));
    },
    async stop() {
      if (folder) rmSync(folder, { recursive: true, force: true });
    },
  };
}

/** Azure Tables on one in-memory Azurite: a new table prefix per store. */
export function azuriteBackend(): StoreBackend {
  let azurite: RunningAzurite | undefined;
  let opened = 0;
  return {
    async start() {
      azurite = await startAzurite();
    },
    async open() {
      if (!azurite) throw new Error('azuriteBackend: open() before start()');
      const { connectionString } = azurite;
      return AzureRecordStore.open({ kind: 'azure', connectionString, tablePrefix: `t${++opened}` }, undefined);
    },
    async stop() {
      await azurite?.stop();
    },
  };
}
