/**
 * The Store contract on PostgreSQL, each test in a fresh schema dropped afterwards.
 * Server: FLEETPKI_TEST_PG_URL, default postgres://postgres@127.0.0.1:5432/test (and the
 * same as the OS user when "postgres" is refused). Without a server the suite is skipped
 * loudly; in CI (CI=true) it fails instead, so a broken database never passes as green.
 */
import assert from 'node:assert/strict';
import { userInfo } from 'node:os';
import { after, describe, it } from 'node:test';
import pg from 'pg';
import { openStore, type StoreConfig } from '../src/index.js';
import { openPgDriver } from '../src/pg-driver.js';
import { runStoreContract } from './contract.js';
import type { StoreHarness } from './harness.js';

const DEFAULT_URL = 'postgres://postgres@127.0.0.1:5432/test';

async function reachable(url: string): Promise<string | null> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return null;
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** The first URL that answers, or the reasons none did. */
async function findServer(): Promise<{ url: string } | { problems: string[] }> {
  const explicit = process.env['FLEETPKI_TEST_PG_URL'];
  const candidates = explicit !== undefined && explicit !== '' ? [explicit] : [DEFAULT_URL, DEFAULT_URL.replace('postgres@', `${userInfo().username}@`)];
  const problems: string[] = [];
  for (const url of candidates) {
    const problem = await reachable(url);
    if (problem === null) return { url };
    problems.push(`${url}: ${problem}`);
  }
  return { problems };
}

const server = await findServer();
const runId = `${process.pid.toString(36)}_${Date.now().toString(36)}`;
let counter = 0;

if ('url' in server) {
  const { url } = server;
  const admin = new pg.Pool({ connectionString: url, max: 2 });
  after(() => admin.end());

  const openHarness = async (): Promise<StoreHarness> => {
    const schema = `fleetpki_test_${runId}_${++counter}`;
    const config: StoreConfig = { kind: 'postgres', url, schema, poolSize: 8 };
    const store = await openStore(config);
    const raw = await openPgDriver({ url, schema, poolSize: 2 });
    return {
      store, raw, config,
      openPeer: () => openStore(config),
      close: async () => {
        await raw.close();
        await store.close();
        await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      },
    };
  };
  runStoreContract('PostgreSQL', openHarness);
} else if (process.env['CI'] === 'true') {
  describe('PostgreSQL store contract', () => {
    it('needs a reachable PostgreSQL server in CI', () => {
      assert.fail(`no PostgreSQL server reachable:\n  ${server.problems.join('\n  ')}`);
    });
  });
} else {
  const banner = '!'.repeat(78);
  console.warn(`${banner}\n!! SKIPPING the PostgreSQL store contract: no server reachable.\n!! ${server.problems.join('\n!! ')}\n!! Set FLEETPKI_TEST_PG_URL to run it. In CI (CI=true) this is a failure.\n${banner}`);
  describe('PostgreSQL store contract', { skip: 'no PostgreSQL server reachable (see the warning above)' }, () => {});
}
