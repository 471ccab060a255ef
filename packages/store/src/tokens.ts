/**
 * The api_tokens table. Only the SHA-256 of a token is stored (ApiTokenRecord.tokenHash), so
 * a lookup is by hash; revocation keeps the row, to show who had access and until when.
 */
import { ServiceError, type ApiTokenRecord, type AuditEventInput } from '@fleetpki/ca';
import { appendAuditEvents } from './audit-log.js';
import { date, dateOrNull, msOf, msOrNull, str } from './columns.js';
import type { Dialect, Row, SqlExecutor } from './driver.js';

const TOKEN_SELECT = 'SELECT id, name, role, token_hash, created_at, revoked_at FROM api_tokens';

function toToken(r: Row): ApiTokenRecord {
  return {
    id: str(r, 'id'),
    name: str(r, 'name'),
    role: str(r, 'role') as ApiTokenRecord['role'],
    tokenHash: str(r, 'token_hash'),
    createdAt: date(r, 'created_at'),
    revokedAt: dateOrNull(r, 'revoked_at'),
  };
}

export async function insertToken(tx: SqlExecutor, d: Dialect, t: ApiTokenRecord, audit: readonly AuditEventInput[]): Promise<void> {
  await tx.run(
    'INSERT INTO api_tokens (id, name, role, token_hash, created_at, revoked_at) VALUES (?, ?, ?, ?, ?, ?)',
    [t.id, t.name, t.role, t.tokenHash, msOf(t.createdAt), msOrNull(t.revokedAt)],
  );
  await appendAuditEvents(tx, d, audit);
}

export async function selectTokenByHash(db: SqlExecutor, tokenHash: string): Promise<ApiTokenRecord | null> {
  const [row] = await db.all(`${TOKEN_SELECT} WHERE token_hash = ?`, [tokenHash]);
  return row === undefined ? null : toToken(row);
}

export async function selectTokens(db: SqlExecutor): Promise<ApiTokenRecord[]> {
  return (await db.all(`${TOKEN_SELECT} ORDER BY created_at, id`)).map(toToken);
}

/** Revoking twice keeps the first revocation time; the audit event is still recorded. */
export async function revokeToken(tx: SqlExecutor, d: Dialect, id: string, at: Date, audit: readonly AuditEventInput[]): Promise<void> {
  const { changes } = await tx.run('UPDATE api_tokens SET revoked_at = COALESCE(revoked_at, ?) WHERE id = ?', [msOf(at), id]);
  if (changes === 0) throw new ServiceError('TOKEN_NOT_FOUND', undefined, { id });
  await appendAuditEvents(tx, d, audit);
}
