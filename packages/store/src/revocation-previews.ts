/**
 * Dry runs of mass revocations, by the SHA-256 of their confirmation token. A preview is
 * claimed once: the confirmed run marks it used in the same statement that reads it, so two
 * concurrent confirmations cannot both run. Previews expired for a week are dropped.
 */
import type { AuditEventInput, RevocationPreviewRecord } from '@fleetpki/ca';
import { appendAuditEvents } from './audit-log.js';
import { date, msOf, num, str } from './columns.js';
import type { Dialect, Row, SqlExecutor } from './driver.js';

const KEEP_EXPIRED_MS = 7 * 86_400_000;
const COLUMNS = ['token_hash', 'query', 'match_count', 'devices', 'as_of', 'actor', 'created_at', 'expires_at'] as const;

function toPreview(r: Row): RevocationPreviewRecord {
  return {
    tokenHash: str(r, 'token_hash'), query: str(r, 'query'), count: num(r, 'match_count'), devices: num(r, 'devices'),
    asOf: date(r, 'as_of'), actor: str(r, 'actor'), createdAt: date(r, 'created_at'), expiresAt: date(r, 'expires_at'),
  };
}

export async function insertPreview(tx: SqlExecutor, d: Dialect, p: RevocationPreviewRecord, audit: readonly AuditEventInput[]): Promise<void> {
  await tx.run('DELETE FROM revocation_previews WHERE expires_at < ?', [msOf(p.createdAt) - KEEP_EXPIRED_MS]);
  await tx.run(`INSERT INTO revocation_previews (${COLUMNS.join(', ')}) VALUES (${COLUMNS.map(() => '?').join(', ')})`,
    [p.tokenHash, p.query, p.count, p.devices, msOf(p.asOf), p.actor, msOf(p.createdAt), msOf(p.expiresAt)]);
  await appendAuditEvents(tx, d, audit);
}

export async function claimPreview(tx: SqlExecutor, tokenHash: string, at: Date): Promise<RevocationPreviewRecord | null> {
  const [row] = await tx.all(
    `UPDATE revocation_previews SET used_at = ? WHERE token_hash = ? AND used_at IS NULL AND expires_at > ? RETURNING ${COLUMNS.join(', ')}`,
    [msOf(at), tokenHash, msOf(at)]);
  return row === undefined ? null : toPreview(row);
}
