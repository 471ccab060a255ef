/**
 * What CRL and OCSP publishers read (@fleetpki/ca ports/revocation-store.ts): the revoked
 * entries of a CA from the narrow `revocations` table in (shard, serial) order, the changes
 * a delta CRL carries, and one certificate's status by its unique serial.
 */
import { crlReasonFromCode, type CrlReason } from '@fleetpki/core';
import type { CertificateStatusRecord, RevocationDelta, RevokedEntry, RevokedListOptions } from '@fleetpki/ca';
import { date, dateOrNull, msOf, num, numOrNull, str, strOrNull } from './columns.js';
import type { Row, SqlExecutor, SqlValue } from './driver.js';
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

const SHARD = 0;
const SERIAL = 1;

/** A `values` row of ENTRY_COLUMNS; this runs a million times for a big CRL, so it only checks types. */
function entryOf(v: readonly unknown[]): RevokedEntry {
  const [, serial, revokedAt, reason, invalidity] = v;
  if (typeof serial !== 'string' || typeof revokedAt !== 'number' || typeof reason !== 'number' || (invalidity !== null && typeof invalidity !== 'number')) {
    throw new TypeError('revocations row has unexpected column types');
  }
  return { serial, revocationDate: new Date(revokedAt), reason: crlReasonFromCode(reason), invalidityDate: invalidity === null ? null : new Date(invalidity) };
}

function toEntry(r: Row): RevokedEntry {
  const invalidity = numOrNull(r, 'invalidity_date');
  return {
    serial: str(r, 'serial'), revocationDate: new Date(num(r, 'revoked_at')), reason: crlReasonFromCode(num(r, 'reason')),
    invalidityDate: invalidity === null ? null : new Date(invalidity),
  };
}

const ENTRY_COLUMNS = 'crl_shard, serial, revoked_at, reason, invalidity_date';

/** Keyset pages over the primary key (ca_name, crl_shard, serial): one index range each. */
export async function* listRevokedRows(db: SqlExecutor, caName: string, options: RevokedListOptions): AsyncGenerator<readonly RevokedEntry[]> {
  const { notExpiredAt, batch } = checkOptions(options);
  let shard = options.shard ?? -1;
  let serial = '';
  for (;;) {
    const rows = options.shard === undefined
      ? await db.values(`SELECT ${ENTRY_COLUMNS} FROM revocations WHERE ca_name = ? AND (crl_shard, serial) > (?, ?) AND not_after >= ?
          ORDER BY crl_shard, serial LIMIT ?`, [caName, shard, serial, notExpiredAt, batch])
      : await db.values(`SELECT ${ENTRY_COLUMNS} FROM revocations WHERE ca_name = ? AND crl_shard = ? AND serial > ? AND not_after >= ?
          ORDER BY serial LIMIT ?`, [caName, shard, serial, notExpiredAt, batch]);
    if (rows.length > 0) yield rows.map(entryOf);
    const last = rows[rows.length - 1];
    if (rows.length < batch || last === undefined) return;
    shard = last[SHARD] as number;
    serial = last[SERIAL] as string;
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
