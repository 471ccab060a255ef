/**
 * openStore: the one entry point the server and CLI wiring (main.ts) use. It opens the
 * engine named by the config and migrates the schema before handing the store out.
 */
import type { SqlDriver } from './driver.js';
import { openPgDriver } from './pg-driver.js';
import { SqlStore } from './sql-store.js';
import { openSqliteDriver } from './sqlite-driver.js';

export type StoreConfig =
  | { readonly kind: 'sqlite'; readonly path: string }
  | { readonly kind: 'postgres'; readonly url: string; readonly schema?: string; readonly poolSize?: number };

async function openDriver(config: StoreConfig): Promise<SqlDriver> {
  switch (config.kind) {
    case 'sqlite': return openSqliteDriver({ path: config.path });
    case 'postgres': return openPgDriver(config);
  }
}

export async function openStore(config: StoreConfig): Promise<SqlStore> {
  const store = new SqlStore(await openDriver(config));
  try {
    await store.migrate();
  } catch (e) {
    await store.close();
    throw e;
  }
  return store;
}
