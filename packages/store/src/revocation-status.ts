/**
 * What CRL and OCSP publishers read (@fleetpki/ca ports/revocation-store.ts): the revoked
 * entries of a CA from the narrow `revocations` table in (shard, serial) order, the changes
 * a delta CRL carries, and one certificate's status by its unique serial.
 */
import { crlReasonFromCode, type CrlReason } from '@fleetpki/core';
import type { CertificateStatusRecord, RevocationDelta, RevokedEntry, RevokedListOptions } from '@fleetpki/ca';
import { date, dateOrNull, msOf, num, numOrNull, str, strOrNull } from './columns.js';
import type { Dialect, Row, SqlExecutor, SqlValue } from './driver.js';
import { requestInvalid } from './errors.js';

const DEFAULT_BATCH = 10_000;
const MAX_BATCH = 100_000;

function checkOptions(o: RevokedListOptions): { notExpiredAt: number; batch: number } {
  const batch = o.batchSize ?? DEFAULT_BATCH;
  if (!Number.isInteger(batch) || batch < 1 || batch > MAX_BATCH) throw requestInvalid(`batchSize must be 1..${MAX_BATCH}`);
  if (o.shard !== undefined && (!Number.isInteger(o.shard) || o.shard < 0)) throw requestInvalid('shard must be a non-negative integer');
  const notExpiredAt = o.notExpiredAt.getTime();
  if (!Number.isFinite(notExpiredAt)) throw requestInvalid('notExpiredAt is not a valid instant');
  return { notExpiredAt, batch };
}

function toEntry(r: Row): RevokedEntry {
  const invalidity = numOrNull(r, 'invalidity_date');
  return {
    serial: str(r, 'serial'), revocationDate: new Date(num(r, 'revoked_at')), reason: crlReasonFromCode(num(r, 'reason')),
    invalidityDate: invalidity === null ? null : new Date(invalidity),
  };
}

const ENTRY_COLUMNS = 'crl_shard, serial, revoked_at, reason, invalidity_date';

/**
 * One page as one row: the entries joined into text by the database. A CRL reads a million
 * entries, and the drivers' cost per row (about 0.75 us on better-sqlite3, more on pg)
 * would be most of the time; one string per page and a split take about half as long.
 * The join is not ordered (ORDER BY inside the aggregate costs a sort per page); the
 * keyset continues from MAX(serial), so pages are right whatever order the join has.
 * Fields: serial, revocation date, reason code, invalidity date (empty when none).
 */
function pageStatement(d: Dialect): string {
  const text = "serial || ' ' || CAST(revoked_at AS TEXT) || ' ' || CAST(reason AS TEXT) || ' ' || COALESCE(CAST(invalidity_date AS TEXT), '')";
  return `SELECT COUNT(*) AS n, MAX(serial) AS last, ${d.textAggregate}(${text}, ' ') AS entries FROM (
    SELECT serial, revoked_at, reason, invalidity_date FROM revocations
    WHERE ca_name = ? AND crl_shard = ? AND serial > ? AND not_after >= ? ORDER BY serial LIMIT ?) AS page`;
}

const FIELDS = 4;

function parsePage(text: string, n: number): RevokedEntry[] {
  const f = text.split(' ');
  if (f.length !== n * FIELDS) throw new TypeError('revocations page does not parse');
  const entries = new Array<RevokedEntry>(n);
  for (let i = 0, k = 0; i < n; i++, k += FIELDS) {
    const invalidity = f[k + 3]!;
    entries[i] = {
      serial: f[k]!, revocationDate: new Date(Number(f[k + 1])), reason: crlReasonFromCode(Number(f[k + 2])),
      invalidityDate: invalidity === '' ? null : new Date(Number(invalidity)),
    };
  }
  return entries;
}

/** The shards to walk: the one asked for, or 0 up to the highest of the CA (one index seek). */
async function shardsOf(db: SqlExecutor, caName: string, shard: number | undefined): Promise<number[]> {
  if (shard !== undefined) return [shard];
  const [row] = await db.all('SELECT MAX(crl_shard) AS s FROM revocations WHERE ca_name = ?', [caName]);
  const max = row?.['s'];
  return max === null || max === undefined ? [] : Array.from({ length: Number(max) + 1 }, (_, k) => k);
}

/** Keyset pages over the primary key (ca_name, crl_shard, serial), shard by shard: one index range each. */
export async function* listRevokedRows(db: SqlExecutor, d: Dialect, caName: string, options: RevokedListOptions): AsyncGenerator<readonly RevokedEntry[]> {
  const { notExpiredAt, batch } = checkOptions(options);
  const sql = pageStatement(d);
  for (const shard of await shardsOf(db, caName, options.shard)) {
    for (let after = ''; ;) {
      const [row] = await db.all(sql, [caName, shard, after, notExpiredAt, batch]);
      const n = Number(row?.['n'] ?? 0);
      if (n === 0) break;
      yield parsePage(str(row!, 'entries'), n);
      if (n < batch) break;
      after = str(row!, 'last');
    }
  }
}

export async function selectChangesSince(db: SqlExecutor, caName: string, since: Date, options: RevokedListOptions): Promise<RevocationDelta[]> {
  const { notExpiredAt } = checkOptions(options);
  const sinceMs = msOf(since);
  const shard = options.shard === undefined ? '' : ' AND crl_shard = ?';
  const shardParam: SqlValue[] = options.shard === undefined ? [] : [options.shard];
  const revoked = await db.all(
    `SELECT ${ENTRY_COLUMNS} FROM revocations WHERE ca_name = ? AND changed_at > ? AND not_after >= ?${shard} ORDER BY serial`,
    [caName, sinceMs, notExpiredAt, ...shardParam]);
  // A certificate revoked again after its release is in `revoked` with its current state.
  const released = await db.all(
    `SELECT serial, MAX(held_since) AS held_since, MAX(released_at) AS released_at FROM hold_releases h
      WHERE ca_name = ? AND released_at > ?${shard} AND NOT EXISTS (SELECT 1 FROM revocations r WHERE r.serial = h.serial)
      GROUP BY serial ORDER BY serial`,
    [caName, sinceMs, ...shardParam]);
  return [
    ...revoked.map((r): RevocationDelta => ({ ...toEntry(r), change: 'revoked' })),
    ...released.map((r): RevocationDelta => ({
      serial: str(r, 'serial'), change: 'released', revocationDate: new Date(Number(r['held_since'])), releasedAt: new Date(Number(r['released_at'])),
    })),
  ];
}

export async function selectCertificateStatus(db: SqlExecutor, serial: string): Promise<CertificateStatusRecord | null> {
  const [r] = await db.all('SELECT ca_name, status, revoked_at, revocation_reason, invalidity_date, not_after FROM certificates WHERE serial = ?', [serial]);
  if (r === undefined) return null;
  return {
    caName: str(r, 'ca_name'), status: str(r, 'status') as CertificateStatusRecord['status'], revokedAt: dateOrNull(r, 'revoked_at'),
    reason: strOrNull(r, 'revocation_reason') as CrlReason | null, invalidityDate: dateOrNull(r, 'invalidity_date'), notAfter: date(r, 'not_after'),
  };
}
