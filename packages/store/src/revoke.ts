/**
 * revokeCertificates and releaseHold (@fleetpki/ca ports/revocation-store.ts). A call is
 * one transaction:
 *   1. read the rows of the serials asked for (locked on PostgreSQL, in serial order so two
 *      batches cannot deadlock; SQLite's writer lock already serializes);
 *   2. decide each outcome in order, as if the revocations were made one by one;
 *   3. write certificates and revocations rows in multi-row statements;
 *   4. append the audit events of the certificates actually revoked.
 */
import { crlReasonCode, type CrlReason } from '@fleetpki/core';
import type { AuditEventInput, HoldRelease, HoldReleaseResult, Revocation, RevocationResult, RevokedCertificate } from '@fleetpki/ca';
import { appendAuditEvents } from './audit-log.js';
import { insertRows } from './batch-insert.js';
import { msOf, num, numOrNull, str, strOrNull } from './columns.js';
import type { Dialect, Row, SqlExecutor, SqlValue } from './driver.js';
import { appendStatusEvents, type StatusEventInput } from './status-events.js';

const LOOKUP_CHUNK = 1000;
const ROWS_PER_STATEMENT = 500;

interface CurrentRow {
  readonly caName: string;
  readonly deviceId: string | null;
  readonly crlShard: number;
  readonly notAfter: number;
  readonly status: string;
  readonly revokedAt: number | null;
  readonly reason: CrlReason | null;
  readonly invalidityDate: number | null;
}

const CURRENT_COLUMNS = 'serial, ca_name, device_id, crl_shard, not_after, status, revoked_at, revocation_reason, invalidity_date';

function toCurrent(r: Row): CurrentRow {
  return {
    caName: str(r, 'ca_name'), deviceId: strOrNull(r, 'device_id'), crlShard: num(r, 'crl_shard'), notAfter: num(r, 'not_after'),
    status: str(r, 'status'), revokedAt: numOrNull(r, 'revoked_at'), reason: strOrNull(r, 'revocation_reason') as CrlReason | null,
    invalidityDate: numOrNull(r, 'invalidity_date'),
  };
}

const placeholders = (n: number): string => new Array<string>(n).fill('?').join(', ');

/** Step 1. */
async function currentRows(tx: SqlExecutor, d: Dialect, serials: readonly string[]): Promise<Map<string, CurrentRow>> {
  const sorted = [...new Set(serials)].sort();
  const rows = new Map<string, CurrentRow>();
  for (let i = 0; i < sorted.length; i += LOOKUP_CHUNK) {
    const chunk = sorted.slice(i, i + LOOKUP_CHUNK);
    const found = await tx.all(`SELECT ${CURRENT_COLUMNS} FROM certificates WHERE serial IN (${placeholders(chunk.length)}) ORDER BY serial${d.forUpdate}`, chunk);
    for (const r of found) rows.set(str(r, 'serial'), toCurrent(r));
  }
  return rows;
}

/** A hold may become final; anything else already revoked stays as it is (RFC 5280 5.3.1). */
function mayRevoke(current: CurrentRow, reason: CrlReason): boolean {
  if (current.status === 'issued') return true;
  return current.status === 'revoked' && current.reason === 'certificateHold' && reason !== 'certificateHold';
}

interface Write { readonly row: CurrentRow; readonly serial: string; readonly changedAt: number }

/** Step 2: outcomes in order; `state` follows the writes so a serial listed twice sees the first. */
function decide(revocations: readonly Revocation[], state: Map<string, CurrentRow>): { results: RevocationResult[]; writes: Map<string, Write> } {
  const results: RevocationResult[] = [];
  const writes = new Map<string, Write>();
  for (const r of revocations) {
    const current = state.get(r.serial);
    if (!current) { results.push({ serial: r.serial, outcome: 'not_found' }); continue; }
    if (current.status === 'pending') { results.push({ serial: r.serial, outcome: 'not_issued' }); continue; }
    if (!mayRevoke(current, r.reason)) { results.push({ serial: r.serial, outcome: 'already_revoked' }); continue; }
    const previousReason = current.status === 'revoked' ? current.reason : null;
    const next: CurrentRow = {
      ...current, status: 'revoked', reason: r.reason,
      revokedAt: previousReason !== null && current.revokedAt !== null ? current.revokedAt : msOf(r.revokedAt),
      invalidityDate: r.invalidityDate !== null ? msOf(r.invalidityDate) : previousReason !== null ? current.invalidityDate : null,
    };
    state.set(r.serial, next);
    writes.set(r.serial, { row: next, serial: r.serial, changedAt: msOf(r.revokedAt) });
    results.push({ serial: r.serial, outcome: 'revoked', certificate: revokedCertificate(r.serial, next, previousReason) });
  }
  return { results, writes };
}

function revokedCertificate(serial: string, row: CurrentRow, previousReason: CrlReason | null): RevokedCertificate {
  return {
    serial, caName: row.caName, deviceId: row.deviceId, crlShard: row.crlShard, reason: row.reason!,
    revokedAt: new Date(row.revokedAt!), invalidityDate: row.invalidityDate === null ? null : new Date(row.invalidityDate), previousReason,
  };
}

/** UPDATE .. FROM (VALUES ..), as in issued.ts; the casts type PostgreSQL's parameters. */
function updateStatement(rows: number): string {
  const tuple = '(?, CAST(? AS BIGINT), ?, CAST(? AS BIGINT))';
  return `UPDATE certificates SET status = 'revoked', revoked_at = v.column2, revocation_reason = v.column3, invalidity_date = v.column4
    FROM (VALUES ${new Array<string>(rows).fill(tuple).join(', ')}) AS v WHERE certificates.serial = v.column1`;
}

const REVOCATION_COLUMNS = ['ca_name', 'crl_shard', 'serial', 'not_after', 'revoked_at', 'reason', 'invalidity_date', 'changed_at'] as const;
/** A hold made final keeps its revoked_at; reason, invalidity date and change time move. */
const UPSERT_TAIL = 'ON CONFLICT (serial) DO UPDATE SET reason = excluded.reason, invalidity_date = excluded.invalidity_date, changed_at = excluded.changed_at';

/** Step 3. */
async function writeRevocations(tx: SqlExecutor, writes: readonly Write[]): Promise<void> {
  for (let i = 0; i < writes.length; i += ROWS_PER_STATEMENT) {
    const chunk = writes.slice(i, i + ROWS_PER_STATEMENT);
    const params: SqlValue[] = chunk.flatMap((w) => [w.serial, w.row.revokedAt, w.row.reason, w.row.invalidityDate]);
    await tx.run(updateStatement(chunk.length), params);
  }
  const rows = writes.map((w) => [
    w.row.caName, w.row.crlShard, w.serial, w.row.notAfter, w.row.revokedAt, crlReasonCode(w.row.reason!), w.row.invalidityDate, w.changedAt,
  ]);
  await insertRows(tx, 'revocations', REVOCATION_COLUMNS, rows, UPSERT_TAIL);
}

export async function revokeRows(
  tx: SqlExecutor, d: Dialect, revocations: readonly Revocation[], auditFor: (revoked: RevokedCertificate) => AuditEventInput,
): Promise<RevocationResult[]> {
  const state = await currentRows(tx, d, revocations.map((r) => r.serial));
  const { results, writes } = decide(revocations, state);
  if (writes.size > 0) await writeRevocations(tx, [...writes.values()]);
  // Step 4, and the outbox rows every gateway and server node tails (status-events.ts).
  const revoked = results.flatMap((r) => (r.outcome === 'revoked' ? [r.certificate] : []));
  await appendAuditEvents(tx, d, revoked.map(auditFor));
  await appendStatusEvents(tx, d, revoked.map(revokedStatusEvent));
  return results;
}

function revokedStatusEvent(c: RevokedCertificate): StatusEventInput {
  return {
    type: 'certificate.revoked', caName: c.caName, serial: c.serial, deviceId: c.deviceId,
    detail: { crlShard: c.crlShard, reason: c.reason, invalidityDate: c.invalidityDate?.toISOString() ?? null }, at: c.revokedAt,
  };
}

/** A hold lifted: the certificate is valid again, and the release is kept for delta CRLs. */
export async function releaseHoldRow(tx: SqlExecutor, d: Dialect, serial: string, at: Date, auditFor: (release: HoldRelease) => AuditEventInput): Promise<HoldReleaseResult> {
  const [row] = await tx.all(`SELECT ${CURRENT_COLUMNS} FROM certificates WHERE serial = ?${d.forUpdate}`, [serial]);
  if (row === undefined) return { outcome: 'not_found' };
  const current = toCurrent(row);
  if (current.status !== 'revoked' || current.reason !== 'certificateHold' || current.revokedAt === null) return { outcome: 'not_on_hold' };
  await tx.run("UPDATE certificates SET status = 'issued', revoked_at = NULL, revocation_reason = NULL, invalidity_date = NULL WHERE serial = ?", [serial]);
  await tx.run('DELETE FROM revocations WHERE serial = ?', [serial]);
  await tx.run('INSERT INTO hold_releases (serial, ca_name, crl_shard, held_since, released_at) VALUES (?, ?, ?, ?, ?)',
    [serial, current.caName, current.crlShard, current.revokedAt, msOf(at)]);
  const release: HoldRelease = {
    serial, caName: current.caName, deviceId: current.deviceId, crlShard: current.crlShard, heldSince: new Date(current.revokedAt), releasedAt: at,
  };
  await appendAuditEvents(tx, d, [auditFor(release)]);
  await appendStatusEvents(tx, d, [{ type: 'certificate.hold_released', caName: current.caName, serial, deviceId: current.deviceId, detail: { crlShard: current.crlShard }, at }]);
  return { outcome: 'released', release };
}
