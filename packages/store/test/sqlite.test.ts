/** The Store contract on SQLite: a fresh database file in a temporary folder per test. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { openSqliteDriver, openStore, type StoreConfig } from '../src/index.js';
import { runStoreContract } from './contract.js';
import type { StoreHarness } from './harness.js';

const dir = mkdtempSync(join(tmpdir(), 'fleetpki-store-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let counter = 0;

async function openHarness(): Promise<StoreHarness> {
  const config: StoreConfig = { kind: 'sqlite', path: join(dir, `store-${++counter}.db`) };
  const store = await openStore(config);
  // A second driver on the same file, for raw (tampering) statements.
  const raw = openSqliteDriver({ path: config.path });
  return {
    store, raw, config,
    openPeer: () => openStore(config),
    close: async () => { await raw.close(); await store.close(); },
  };
}

runStoreContract('SQLite', openHarness);
