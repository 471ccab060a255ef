/** The Store contract on SQLite: a fresh database file in a temporary folder per test. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { MIGRATIONS, migrate, openSqliteDriver, openStore, SqlStore, type StoreConfig } from '../src/index.js';
import { caRecord } from './fixtures.js';
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

describe('SQLite upgrade to the revocation schema (migration 5)', () => {
  it('keeps the certificates of an existing database and gives them shard 0 and no attributes', async () => {
    const path = join(dir, 'upgrade.db');
    const old = openSqliteDriver({ path });
    await migrate(old, MIGRATIONS.filter((m) => m.id <= 4));
    // createCa touches only the tables of migrations 1-4.
    await new SqlStore(old).createCa(caRecord('issuing-1'), []);
    await old.run(`INSERT INTO certificates (serial, ca_name, profile, subject, device_id, subject_alt_names, not_before, not_after, tbs_der, requester, created_at, status)
      VALUES ('01', 'issuing-1', 'device', 'CN=d', 'd', '[]', 0, 1000, x'3000', 'cli', 0, 'issued')`);
    await old.close();
    const store = await openStore({ kind: 'sqlite', path });
    try {
      const c = await store.getCertificate('01');
      assert.deepEqual([c?.status, c?.crlShard, c?.attributes, c?.invalidityDate], ['issued', 0, {}, null]);
      const [result] = await store.revokeCertificates([{ serial: '01', reason: 'superseded', revokedAt: new Date(500), invalidityDate: null }], () =>
        ({ at: new Date(500), actor: 'system', action: 'certificate.revoke', outcome: 'success' }));
      assert.equal(result?.outcome, 'revoked');
    } finally { await store.close(); }
  });
});
