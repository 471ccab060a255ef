/**
 * The batches table: one row per factory batch, its outcome and counters. Listed newest
 * first by (created_at, batch_id), keyset-paginated.
 */
import { ServiceError, type AuditEventInput, type BatchPatch, type BatchQuery, type BatchRecord, type Page } from '@fleetpki/ca';
import { appendAuditEvents } from './audit-log.js';
import { date, json, jsonText, msOf, num, str, strOrNull } from './columns.js';
import { encodeBody, parseBody } from './cursor.js';
import type { Dialect, Row, SqlExecutor, SqlValue } from './driver.js';
import { requestInvalid } from './errors.js';

const COLUMNS = [
  'batch_id', 'ca_name', 'manufacturer', 'profile', 'mode', 'status', 'attributes', 'requester', 'created_at', 'updated_at', 'runs', 'issued',
  'refused', 'outcome_code', 'manifest_sha256',
] as const;
const SELECT = `SELECT ${COLUMNS.join(', ')} FROM batches`;
const MAX_PAGE = 1000;

function toBatch(r: Row): BatchRecord {
  return {
    batchId: str(r, 'batch_id'),
    caName: str(r, 'ca_name'),
    manufacturer: strOrNull(r, 'manufacturer'),
    profile: str(r, 'profile'),
    mode: str(r, 'mode') as BatchRecord['mode'],
    status: str(r, 'status') as BatchRecord['status'],
    attributes: json<Record<string, string>>(r, 'attributes'),
    requester: str(r, 'requester'),
    createdAt: date(r, 'created_at'),
    updatedAt: date(r, 'updated_at'),
    runs: num(r, 'runs'),
    issued: num(r, 'issued'),
    refused: num(r, 'refused'),
    outcomeCode: strOrNull(r, 'outcome_code'),
    manifestSha256: strOrNull(r, 'manifest_sha256'),
  };
}

function values(b: BatchRecord): SqlValue[] {
  return [
    b.batchId, b.caName, b.manufacturer, b.profile, b.mode, b.status, jsonText(b.attributes), b.requester, msOf(b.createdAt), msOf(b.updatedAt),
    b.runs, b.issued, b.refused, b.outcomeCode, b.manifestSha256,
  ];
}

export async function insertBatch(tx: SqlExecutor, d: Dialect, b: BatchRecord, audit: readonly AuditEventInput[]): Promise<'created' | 'exists'> {
  const { changes } = await tx.run(
    `INSERT INTO batches (${COLUMNS.join(', ')}) VALUES (${COLUMNS.map(() => '?').join(', ')}) ON CONFLICT (batch_id) DO NOTHING`, values(b));
  if (changes === 0) return 'exists';
  await appendAuditEvents(tx, d, audit);
  return 'created';
}

export async function selectBatch(db: SqlExecutor, batchId: string): Promise<BatchRecord | null> {
  const [row] = await db.all(`${SELECT} WHERE batch_id = ?`, [batchId]);
  return row === undefined ? null : toBatch(row);
}

const PATCH_COLUMNS: Readonly<Record<keyof Omit<BatchPatch, 'updatedAt'>, string>> = {
  status: 'status', refused: 'refused', outcomeCode: 'outcome_code', manifestSha256: 'manifest_sha256', runs: 'runs',
};

export async function updateBatchRow(tx: SqlExecutor, d: Dialect, batchId: string, patch: BatchPatch, audit: readonly AuditEventInput[]): Promise<void> {
  const sets = ['updated_at = ?'];
  const params: SqlValue[] = [msOf(patch.updatedAt)];
  for (const [key, column] of Object.entries(PATCH_COLUMNS)) {
    const v = patch[key as keyof typeof PATCH_COLUMNS];
    if (v !== undefined) { sets.push(`${column} = ?`); params.push(v); }
  }
  const { changes } = await tx.run(`UPDATE batches SET ${sets.join(', ')} WHERE batch_id = ?`, [...params, batchId]);
  if (changes === 0) throw new ServiceError('BATCH_NOT_FOUND', undefined, { batch: batchId });
  await appendAuditEvents(tx, d, audit);
}

/** Newest first: (created_at, batch_id) DESC, from the cursor's row on. */
export async function selectBatches(db: SqlExecutor, q: BatchQuery): Promise<Page<BatchRecord>> {
  if (!Number.isInteger(q.limit) || q.limit < 1 || q.limit > MAX_PAGE) throw requestInvalid(`limit must be an integer from 1 to ${MAX_PAGE}`, { limit: q.limit });
  const where: string[] = [];
  const params: SqlValue[] = [];
  if (q.caName !== undefined) { where.push('ca_name = ?'); params.push(q.caName); }
  if (q.cursor !== undefined) {
    const { t, b } = parseBody(q.cursor);
    if (!Number.isSafeInteger(t) || typeof b !== 'string') throw requestInvalid('cursor is malformed');
    where.push('(created_at < ? OR (created_at = ? AND batch_id < ?))');
    params.push(t as number, t as number, b);
  }
  const rows = await db.all(
    `${SELECT}${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY created_at DESC, batch_id DESC LIMIT ?`, [...params, q.limit + 1]);
  const items = rows.slice(0, q.limit).map(toBatch);
  const last = items[items.length - 1];
  const nextCursor = rows.length > q.limit && last ? encodeBody({ t: msOf(last.createdAt), b: last.batchId }) : null;
  return { items, nextCursor };
}
