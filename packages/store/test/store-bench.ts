/**
 * Store benchmark (not part of `npm test`):
 *   node packages/store/dist/test/store-bench.js sqlite|postgres [rows=1000000] [--keep] [--random-ids]
 *     [--commit-only] [--reuse='<StoreConfig JSON printed by --keep>']  (search only, on a kept database)
 * 1. group commit: recordIntents and recordIssued (with one audit event per certificate, as
 *    the issuance pipeline does) in batches of 64, one batch at a time;
 * 2. seeds `rows` certificates with a realistic spread (CAs, profiles, statuses, expiry);
 * 3. times filtered, paginated searches and prints p50/p99 per query.
 * PostgreSQL: FLEETPKI_TEST_PG_URL (default postgres://postgres@127.0.0.1:5432/test), in a
 * schema dropped at the end unless --keep.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CertificateIntent, CertificateQuery } from '@fleetpki/ca';
import { openPgDriver } from '../src/pg-driver.js';
import { openStore, type SqlStore, type StoreConfig } from '../src/index.js';
import { caRecord, event, T0 } from './fixtures.js';

const DAY_MS = 86_400_000;
const TBS = randomBytes(550);
const DER = randomBytes(620);
const CAS = [['issuing-1', 0.7], ['issuing-2', 0.9], ['mfr-a', 0.99], ['mfr-b', 1]] as const;

function pick<T>(table: readonly (readonly [T, number])[], r: number): T {
  for (const [value, upTo] of table) if (r < upTo) return value;
  return table[table.length - 1]![0];
}

/** Device ids in issue order (a factory line) or scattered (MAC-like); --random-ids picks the latter. */
const RANDOM_IDS = process.argv.includes('--random-ids');

/**
 * Certificate n is issued at T0 + n minutes (so a million span two years), valid a year
 * (90 days for gateways); about one device in ten has a renewed second certificate.
 */
function benchIntent(n: number): CertificateIntent {
  const device = n % 10 === 9 ? n - 1 : n;
  const deviceId = RANDOM_IDS ? `dev-${(device * 2654435761 % 2 ** 32).toString(16).padStart(8, '0')}` : `dev-${device.toString().padStart(8, '0')}`;
  const r = (n * 7919 % 10_000) / 10_000;
  const profile = r < 0.01 ? 'ocsp-signer' : r < 0.1 ? 'gateway' : 'device';
  const issuedAt = T0.getTime() + n * 60_000;
  return {
    serial: randomBytes(16).toString('hex').replace(/^0+/, '') || '1', caName: pick(CAS, r), profile, subject: `CN=${deviceId},O=Contoso`,
    deviceId, subjectAltNames: [`URI:urn:dev:${deviceId}`], notBefore: new Date(issuedAt),
    notAfter: new Date(issuedAt + (profile === 'gateway' ? 90 : 365) * DAY_MS), tbsDer: TBS, requester: 'bench', createdAt: new Date(issuedAt),
  };
}

async function timeBatches(label: string, total: number, batch: number, fn: (from: number, to: number) => Promise<void>): Promise<void> {
  const start = performance.now();
  for (let i = 0; i < total; i += batch) await fn(i, Math.min(total, i + batch));
  const seconds = (performance.now() - start) / 1000;
  console.log(`${label}: ${total} in ${seconds.toFixed(2)} s = ${Math.round(total / seconds)} /s`);
}

async function groupCommit(store: SqlStore, offset: number, total: number): Promise<void> {
  const intents = Array.from({ length: total }, (_, k) => benchIntent(offset + k));
  await timeBatches('recordIntents, batches of 64', total, 64, async (a, b) => { await store.recordIntents(intents.slice(a, b)); });
  await timeBatches('recordIssued + 1 audit event each, batches of 64', total, 64, async (a, b) => {
    const slice = intents.slice(a, b);
    await store.recordIssued(
      slice.map((i) => ({ serial: i.serial, der: DER, sha256: 'ab'.repeat(32), issuedAt: T0 })),
      slice.map((i) => event('certificate.issue', { target: i.serial, detail: { ca: i.caName, deviceId: i.deviceId } })));
  });
}

async function seed(store: SqlStore, from: number, to: number): Promise<void> {
  await timeBatches('seeding (batches of 5000, no audit)', to - from, 5000, async (a, b) => {
    const intents = Array.from({ length: b - a }, (_, k) => benchIntent(from + a + k));
    await store.recordIntents(intents);
    // 1% stay pending (stuck intents); the rest are issued.
    const done = intents.filter((_, k) => (from + a + k) % 100 !== 50);
    await store.recordIssued(done.map((i) => ({ serial: i.serial, der: DER, sha256: 'ab'.repeat(32), issuedAt: T0 })), []);
  });
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? Number.NaN;
}

type QueryMaker = (n: number) => Omit<CertificateQuery, 'limit'>;

const QUERIES: readonly (readonly [string, QueryMaker])[] = [
  ['no filter', () => ({})],
  ['caName (1%)', () => ({ caName: 'mfr-b' })],
  ['caName (70%) + status revoked', () => ({ caName: 'issuing-1', status: 'revoked' })],
  ['status pending (1%)', () => ({ status: 'pending' })],
  ['profile ocsp-signer (1%)', () => ({ profile: 'ocsp-signer' })],
  ['deviceId', (n) => ({ deviceId: benchIntent(n).deviceId ?? '' })],
  ['subject exact', (n) => ({ subject: benchIntent(n).subject })],
  // With ids in issue order, a prefix is also an age bracket: the hard case for newest-first.
  ['subjectPrefix, ~1000 devices', (n) => ({ subjectPrefix: benchIntent(n).subject.slice(0, RANDOM_IDS ? 10 : 12) })],
  ['subjectPrefix, ~10,000 devices', (n) => ({ subjectPrefix: benchIntent(n).subject.slice(0, RANDOM_IDS ? 9 : 11) })],
  ['subjectPrefix, all devices', () => ({ subjectPrefix: 'CN=dev-' })],
  ['expiresBefore (random instant)', (n) => ({ expiresBefore: benchIntent(n).notAfter })],
  ['caName (9%) + expiresBefore', (n) => ({ caName: 'mfr-a', expiresBefore: benchIntent(n).notAfter })],
  ['status revoked + expiresBefore', (n) => ({ status: 'revoked', expiresBefore: benchIntent(n).notAfter })],
  ['caName (1%) + profile gateway + issued', () => ({ caName: 'mfr-b', profile: 'gateway', status: 'issued' })],
];

/** Each query: first page, then up to 4 more pages through the cursor; every page timed. */
async function timeSearches(store: SqlStore, rows: number, limit: number, rounds: number): Promise<void> {
  const all: number[] = [];
  for (const [label, make] of QUERIES) {
    const times: number[] = [];
    for (let round = 0; round < rounds; round++) {
      let cursor: string | null | undefined;
      for (let page = 0; page < 5 && cursor !== null; page++) {
        const start = performance.now();
        const result = await store.searchCertificates({ ...make(Math.floor(Math.random() * rows)), limit, ...(cursor ? { cursor } : {}) });
        times.push(performance.now() - start);
        cursor = result.nextCursor;
      }
    }
    times.sort((a, b) => a - b);
    all.push(...times);
    console.log(`  ${label.padEnd(40)} p50 ${percentile(times, 0.5).toFixed(2)} ms  p99 ${percentile(times, 0.99).toFixed(2)} ms  (${times.length} pages)`);
  }
  all.sort((a, b) => a - b);
  console.log(`  ALL limit ${limit}: p50 ${percentile(all, 0.5).toFixed(2)} ms  p99 ${percentile(all, 0.99).toFixed(2)} ms  max ${all.at(-1)?.toFixed(2)} ms`);
}

function parseArgs(): { kind: string; rows: number; keep: boolean; reuse: StoreConfig | null } {
  const [kind = 'sqlite', rowsText = '1000000'] = process.argv.slice(2).filter((a) => !a.startsWith('--'));
  const reuse = process.argv.find((a) => a.startsWith('--reuse='));
  return { kind, rows: Number(rowsText), keep: process.argv.includes('--keep'), reuse: reuse === undefined ? null : JSON.parse(reuse.slice(8)) as StoreConfig };
}

async function main(): Promise<void> {
  const { kind, rows, keep, reuse } = parseArgs();
  const dir = mkdtempSync(join(tmpdir(), 'fleetpki-bench-'));
  const url = process.env['FLEETPKI_TEST_PG_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';
  const schema = `fleetpki_bench_${process.pid}`;
  const config: StoreConfig = reuse ?? (kind === 'postgres' ? { kind, url, schema, poolSize: 4 } : { kind: 'sqlite', path: join(dir, 'bench.db') });
  const store = await openStore(config);
  try {
    if (reuse === null) {
      for (const [name] of CAS) await store.createCa(caRecord(name), []);
      await groupCommit(store, 0, 50_000);
      if (process.argv.includes('--commit-only')) return;
      await seed(store, 50_000, rows);
      await store.analyze();
      const revoked = await revokeSome(store, config);
      console.log(`revoked ${revoked} rows by SQL (the port has no revoke yet)`);
    }
    console.log(`searching ${rows} rows:`);
    await timeSearches(store, rows, 50, 40);
    await timeSearches(store, rows, 1000, 5);
  } finally {
    await store.close();
    if (keep || reuse !== null) console.log(`kept: --reuse='${JSON.stringify(config)}'`);
    if (!keep) rmSync(dir, { recursive: true, force: true });
    if (config.kind === 'postgres' && !keep && reuse === null) await dropSchema(url, schema);
  }
}

/** 4% revoked, so status and (status, expiry) filters have something to find. */
async function revokeSome(store: SqlStore, config: StoreConfig): Promise<number> {
  const driver = config.kind === 'postgres' ? await openPgDriver(config) : (await import('../src/sqlite-driver.js')).openSqliteDriver(config);
  try {
    const { changes } = await driver.run("UPDATE certificates SET status = 'revoked', revoked_at = issued_at WHERE status = 'issued' AND id % 25 = 7");
    await store.analyze();
    return changes;
  } finally {
    await driver.close();
  }
}

async function dropSchema(url: string, schema: string): Promise<void> {
  const driver = await openPgDriver({ url });
  try { await driver.run(`DROP SCHEMA IF EXISTS ${schema} CASCADE`); } finally { await driver.close(); }
}

await main();
