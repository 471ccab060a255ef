/**
 * Reconciliation: what the factory made against what came online. "Seen" is a device id
 * that enrolled (device_links, migration 6: a devices row alone may hold only attributes
 * an operator set) or connected through a gateway (device_presence, migration 7); "issued
 * by us" is a certificate in this store naming the device id.
 *   - per batch: issued, seen, never seen, and duplicates (the device holds an issued
 *     certificate from another batch too);
 *   - globally: device ids seen that no certificate of ours names (a clone, a station's
 *     batch not imported yet, another PKI's device).
 * Each count is one pass over a batch's devices with primary-key probes; lists are keyset
 * pages by (batch_id, device_id), or device_id for seen-not-issued.
 */
import type {
  BatchReconciliation, Page, ReconciliationDevice, ReconciliationListQuery, ReconciliationQuery, ReconciliationReport,
} from '@fleetpki/ca';
import { str, strOrNull } from './columns.js';
import { encodeBody, parseBody } from './cursor.js';
import type { Row, SqlExecutor, SqlValue } from './driver.js';
import { requestInvalid } from './errors.js';

const MAX_PAGE = 1000;

const SEEN = (device: string): string =>
  `(EXISTS (SELECT 1 FROM device_links l WHERE l.device_id = ${device}) OR EXISTS (SELECT 1 FROM device_presence p WHERE p.device_id = ${device}))`;
const ELSEWHERE = `EXISTS (SELECT 1 FROM batch_devices o JOIN certificates oc ON oc.serial = o.serial
  WHERE o.device_id = bd.device_id AND o.batch_id <> bd.batch_id AND oc.status <> 'pending')`;

function batchFilter(q: ReconciliationQuery): { sql: string; params: SqlValue[] } {
  const where: string[] = [];
  const params: SqlValue[] = [];
  if (q.manufacturer !== undefined) { where.push('b.manufacturer = ?'); params.push(q.manufacturer); }
  if (q.batchId !== undefined) { where.push('b.batch_id = ?'); params.push(q.batchId); }
  return { sql: where.length ? `WHERE ${where.join(' AND ')}` : '', params };
}

function toBatchLine(r: Row): BatchReconciliation {
  const issued = Number(r['issued']);
  const seen = Number(r['seen']);
  return {
    batchId: str(r, 'batch_id'), caName: str(r, 'ca_name'), manufacturer: strOrNull(r, 'manufacturer'),
    issued, seen, neverSeen: issued - seen, duplicates: Number(r['duplicates']),
  };
}

export async function reconcile(db: SqlExecutor, q: ReconciliationQuery): Promise<ReconciliationReport> {
  const f = batchFilter(q);
  const rows = await db.all(
    `SELECT b.batch_id, b.ca_name, b.manufacturer,
       COUNT(c.serial) AS issued,
       COALESCE(SUM(CASE WHEN c.serial IS NOT NULL AND ${SEEN('bd.device_id')} THEN 1 ELSE 0 END), 0) AS seen,
       COALESCE(SUM(CASE WHEN c.serial IS NOT NULL AND ${ELSEWHERE} THEN 1 ELSE 0 END), 0) AS duplicates
     FROM batches b
     LEFT JOIN batch_devices bd ON bd.batch_id = b.batch_id
     LEFT JOIN certificates c ON c.serial = bd.serial AND c.status <> 'pending'
     ${f.sql} GROUP BY b.batch_id, b.ca_name, b.manufacturer ORDER BY b.batch_id`, f.params);
  const [unknown] = await db.all(`SELECT COUNT(*) AS n FROM (${SEEN_NOT_ISSUED}) s`);
  return { batches: rows.map(toBatchLine), seenNotIssued: Number(unknown?.['n'] ?? 0) };
}

/** Device ids enrolled or connected, with when last seen, that no certificate of ours names. */
const SEEN_NOT_ISSUED = `SELECT s.device_id, MAX(s.seen_at) AS seen_at FROM (
    SELECT device_id, at AS seen_at FROM device_links
    UNION ALL SELECT device_id, last_seen_at AS seen_at FROM device_presence
  ) s WHERE NOT EXISTS (SELECT 1 FROM certificates c WHERE c.device_id = s.device_id) GROUP BY s.device_id`;

function checkPage(q: ReconciliationListQuery): { batch: string; device: string } | null {
  if (!Number.isInteger(q.limit) || q.limit < 1 || q.limit > MAX_PAGE) throw requestInvalid(`limit must be an integer from 1 to ${MAX_PAGE}`, { limit: q.limit });
  if (q.cursor === undefined) return null;
  const { b, d } = parseBody(q.cursor);
  if (typeof b !== 'string' || typeof d !== 'string') throw requestInvalid('cursor is malformed');
  return { batch: b, device: d };
}

async function listBatchDevices(db: SqlExecutor, q: ReconciliationListQuery, after: { batch: string; device: string } | null): Promise<Row[]> {
  const f = batchFilter(q);
  const where = [f.sql ? f.sql.slice('WHERE '.length) : '', q.kind === 'never-seen' ? `NOT ${SEEN('bd.device_id')}` : ELSEWHERE];
  const params = [...f.params];
  if (after) { where.push('(bd.batch_id > ? OR (bd.batch_id = ? AND bd.device_id > ?))'); params.push(after.batch, after.batch, after.device); }
  return db.all(
    `SELECT bd.batch_id, bd.device_id, bd.serial, NULL AS seen_at FROM batches b
     JOIN batch_devices bd ON bd.batch_id = b.batch_id JOIN certificates c ON c.serial = bd.serial AND c.status <> 'pending'
     WHERE ${where.filter(Boolean).join(' AND ')} ORDER BY bd.batch_id, bd.device_id LIMIT ?`, [...params, q.limit + 1]);
}

export async function listReconciliationDevices(db: SqlExecutor, q: ReconciliationListQuery): Promise<Page<ReconciliationDevice>> {
  const after = checkPage(q);
  const rows = q.kind === 'seen-not-issued'
    ? await db.all(`SELECT NULL AS batch_id, u.device_id, NULL AS serial, u.seen_at FROM (${SEEN_NOT_ISSUED}) u
        ${after ? 'WHERE u.device_id > ?' : ''} ORDER BY u.device_id LIMIT ?`, after ? [after.device, q.limit + 1] : [q.limit + 1])
    : await listBatchDevices(db, q, after);
  const items = rows.slice(0, q.limit).map((r): ReconciliationDevice => ({
    deviceId: str(r, 'device_id'), batchId: strOrNull(r, 'batch_id'), serial: strOrNull(r, 'serial'),
    lastSeenAt: r['seen_at'] === null ? null : new Date(Number(r['seen_at'])),
  }));
  const last = items[items.length - 1];
  const nextCursor = rows.length > q.limit && last ? encodeBody({ b: last.batchId ?? '', d: last.deviceId }) : null;
  return { items, nextCursor };
}
