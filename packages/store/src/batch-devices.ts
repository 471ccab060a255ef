/**
 * batch_devices: which device a batch provisioned under which serial and key. Rows are
 * written with the intents that spend their serials (recordIntentBatch, intents.ts) and
 * never change; the certificate's state is read from certificates by join.
 */
import type { AuditEventInput, BatchDeviceIntent, BatchDeviceRecord, IntentOutcome, IssuedCertificate, ManifestEntry } from '@fleetpki/ca';
import { insertRows } from './batch-insert.js';
import { bytes, bytesOrNull, num, str, strOrNull } from './columns.js';
import type { Dialect, Row, SqlExecutor, SqlValue } from './driver.js';
import { requestInvalid } from './errors.js';
import { recordIntentBatch } from './intents.js';
import { markIssued } from './issued.js';

/**
 * Device ids per lookup. Statistics may lag a table's growth up to tenfold (SQLite
 * re-analyzes at that), and a long IN list over a table believed small is planned as a
 * scan; a short one is planned as index searches at any size that matters.
 */
const LOOKUP_CHUNK = 64;
const MAX_MANIFEST_PAGE = 10_000;

const placeholders = (n: number): string => new Array<string>(n).fill('?').join(', ');

export async function recordBatchIntentRows(tx: SqlExecutor, d: Dialect, batchId: string, run: number, items: readonly BatchDeviceIntent[]): Promise<IntentOutcome[]> {
  const outcomes = await recordIntentBatch(tx, d, items.map((i) => i.intent));
  const rows: SqlValue[][] = [];
  items.forEach((item, k) => {
    if (outcomes[k] !== 'recorded') return;
    rows.push([batchId, item.intent.deviceId ?? '', item.intent.serial, run, item.csrSha256, item.spkiSha256, item.encryptedKey ?? null]);
  });
  await insertRows(tx, 'batch_devices', ['batch_id', 'device_id', 'serial', 'run', 'csr_sha256', 'spki_sha256', 'encrypted_key'], rows);
  return outcomes;
}

export async function markBatchIssued(
  tx: SqlExecutor, d: Dialect, batchId: string, issued: readonly IssuedCertificate[], audit: readonly AuditEventInput[],
): Promise<void> {
  await markIssued(tx, d, issued, audit);
  await tx.run('UPDATE batches SET issued = issued + ? WHERE batch_id = ?', [issued.length, batchId]);
}

function toDevice(r: Row): BatchDeviceRecord {
  return {
    batchId: str(r, 'batch_id'), deviceId: str(r, 'device_id'), serial: str(r, 'serial'), csrSha256: strOrNull(r, 'csr_sha256'),
    spkiSha256: str(r, 'spki_sha256'), status: str(r, 'status') as BatchDeviceRecord['status'], der: bytesOrNull(r, 'der'), tbsDer: bytes(r, 'tbs_der'),
    run: num(r, 'run'), encryptedKey: bytesOrNull(r, 'encrypted_key'),
  };
}

export async function selectBatchDevices(db: SqlExecutor, deviceIds: readonly string[]): Promise<BatchDeviceRecord[]> {
  const out: BatchDeviceRecord[] = [];
  for (let i = 0; i < deviceIds.length; i += LOOKUP_CHUNK) {
    const chunk = deviceIds.slice(i, i + LOOKUP_CHUNK);
    const rows = await db.all(
      `SELECT b.batch_id, b.device_id, b.serial, b.csr_sha256, b.spki_sha256, b.encrypted_key, b.run, c.status, c.der, c.tbs_der
       FROM batch_devices b JOIN certificates c ON c.serial = b.serial WHERE b.device_id IN (${placeholders(chunk.length)})`, chunk);
    for (const r of rows) out.push(toDevice(r));
  }
  return out;
}

/** The manifest's lines: issued devices of the batch in device id order (the primary key's). */
export async function selectManifestPage(db: SqlExecutor, batchId: string, afterDeviceId: string | null, limit: number): Promise<ManifestEntry[]> {
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_MANIFEST_PAGE) throw requestInvalid(`limit must be an integer from 1 to ${MAX_MANIFEST_PAGE}`);
  const rows = await db.all(
    `SELECT b.device_id, b.serial, c.sha256 FROM batch_devices b JOIN certificates c ON c.serial = b.serial
     WHERE b.batch_id = ? AND b.device_id > ? AND c.status <> 'pending' ORDER BY b.device_id LIMIT ?`, [batchId, afterDeviceId ?? '', limit]);
  return rows.map((r) => ({ deviceId: str(r, 'device_id'), serial: str(r, 'serial'), sha256: str(r, 'sha256') }));
}
