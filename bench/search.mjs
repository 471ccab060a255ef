// List/search latency on a store of N certificates, SQLite and PostgreSQL: p50/p99 of
// filtered, paginated queries (limit 50) as the REST API issues them.
import { randomBytes, createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { openStore } from '@fleetpki/store';
import { latencies, percentile } from './measure.mjs';

const CAS = ['issuing-a', 'issuing-b', 'cm-1', 'cm-2'];
const PROFILES = ['device-operational', 'device-idevid', 'short-lived', 'gateway-server'];
const DAY = 86400_000;
const T0 = Date.UTC(2026, 0, 1);

function caRecord(name) {
  return { name, role: name.startsWith('cm') ? 'manufacturer' : 'issuing', status: 'active', parent: null, subject: `CN=${name}`,
    certificateDer: null, chainDer: [], csrDer: null, key: null, attributes: {}, nameConstraints: null, quota: null, issuedCount: 0, createdAt: new Date(T0) };
}

function intent(i) {
  return {
    serial: createHash('sha256').update(String(i)).digest('hex').slice(0, 32).replace(/^./, '4'),
    caName: CAS[i % CAS.length], profile: PROFILES[(i >> 2) % PROFILES.length], subject: `CN=device-${String(i).padStart(7, '0')}`,
    deviceId: `dev-${i}`, subjectAltNames: [`URI:device://devices.example/dev-${i}`],
    notBefore: new Date(T0 + (i % 365) * DAY), notAfter: new Date(T0 + (90 + ((i * 7919) % 730)) * DAY),
    tbsDer: randomBytes(450), requester: 'bench', createdAt: new Date(T0 + i * 1000),
  };
}

async function seed(store, rows, batch = 5000) {
  for (const ca of CAS) await store.createCa(caRecord(ca), []);
  const der = randomBytes(600);
  for (let start = 0; start < rows; start += batch) {
    const intents = Array.from({ length: Math.min(batch, rows - start) }, (_, k) => intent(start + k));
    await store.recordIntents(intents);
    // One certificate in 50 stays pending (an intent that was never signed).
    const issued = intents.filter((_, k) => (start + k) % 50 !== 0).map((x) => ({ serial: x.serial, der, sha256: 'ab'.repeat(32), issuedAt: x.createdAt }));
    await store.recordIssued(issued, []);
  }
  if (store.analyze) await store.analyze();
}

function queries(rows) {
  const pick = (i) => (i * 104729) % rows;
  return {
    'by CA, newest first': (i) => ({ caName: CAS[i % 4], limit: 50 }),
    'by CA and status': (i) => ({ caName: CAS[i % 4], status: i % 2 ? 'issued' : 'pending', limit: 50 }),
    'by device id': (i) => ({ deviceId: `dev-${pick(i)}`, limit: 50 }),
    'by subject prefix': (i) => ({ subjectPrefix: `CN=device-${String(pick(i)).padStart(7, '0').slice(0, 5)}`, limit: 50 }),
    'expiring before, by CA': (i) => ({ caName: CAS[i % 4], expiresBefore: new Date(T0 + (100 + (i % 600)) * DAY), limit: 50 }),
    'by profile and status': (i) => ({ profile: PROFILES[i % 4], status: 'issued', limit: 50 }),
  };
}

async function runQueries(store, rows, perQuery) {
  const all = [];
  const byQuery = {};
  for (const [name, q] of Object.entries(queries(rows))) {
    const lat = await latencies(async (i) => {
      const page = await store.searchCertificates(q(i));
      if (page.nextCursor && i % 2) await store.searchCertificates({ ...q(i), cursor: page.nextCursor });
    }, perQuery);
    byQuery[name] = { p50: percentile(lat, 50), p99: percentile(lat, 99) };
    all.push(...lat);
  }
  all.sort((a, b) => a - b);
  return { p50: percentile(all, 50), p99: percentile(all, 99), byQuery };
}

export async function measureSqliteSearch({ rows, perQuery }) {
  const dir = mkdtempSync(join(tmpdir(), 'fleetpki-bench-search-'));
  try {
    const store = await openStore({ kind: 'sqlite', path: join(dir, 'search.db') });
    await seed(store, rows);
    const r = await runQueries(store, rows, perQuery);
    await store.close();
    return r;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function measurePostgresSearch({ rows, perQuery, url }) {
  const schema = `fleetpki_bench_${process.pid}`;
  let store;
  try {
    store = await openStore({ kind: 'postgres', url, schema });
  } catch (e) {
    return { skipped: `PostgreSQL not reachable at ${url}: ${e.message}` };
  }
  try {
    await seed(store, rows);
    return await runQueries(store, rows, perQuery);
  } finally {
    await store.close();
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await c.end();
  }
}
