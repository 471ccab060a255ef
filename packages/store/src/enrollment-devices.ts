/** The pending_enrollments, bootstrap_uses, devices and device_links tables. */
import type {
  AuditEventInput, DeviceEnrollment, DeviceLink, DeviceRecord, PendingEnrollmentRecord,
} from '@fleetpki/ca';
import { appendAuditEvents } from './audit-log.js';
import { date, dateOrNull, json, jsonText, msOf, msOrNull, num, str, strOrNull } from './columns.js';
import type { Dialect, Row, SqlExecutor } from './driver.js';

const PENDING_SELECT = 'SELECT id, label, device_id, csr_sha256, subject, source, status, created_at, decided_at, decided_by FROM pending_enrollments';

function toPending(r: Row): PendingEnrollmentRecord {
  return {
    id: str(r, 'id'), label: str(r, 'label'), deviceId: str(r, 'device_id'), csrSha256: str(r, 'csr_sha256'), subject: str(r, 'subject'),
    source: str(r, 'source'), status: str(r, 'status') as PendingEnrollmentRecord['status'], createdAt: date(r, 'created_at'),
    decidedAt: dateOrNull(r, 'decided_at'), decidedBy: strOrNull(r, 'decided_by'),
  };
}

export async function putPending(tx: SqlExecutor, d: Dialect, p: PendingEnrollmentRecord, audit: readonly AuditEventInput[]): Promise<void> {
  await tx.run('DELETE FROM pending_enrollments WHERE label = ? AND device_id = ?', [p.label, p.deviceId]);
  await tx.run(
    `INSERT INTO pending_enrollments (id, label, device_id, csr_sha256, subject, source, status, created_at, decided_at, decided_by)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    [p.id, p.label, p.deviceId, p.csrSha256, p.subject, p.source, p.status, msOf(p.createdAt), msOrNull(p.decidedAt), p.decidedBy],
  );
  await appendAuditEvents(tx, d, audit);
}

export async function selectPending(db: SqlExecutor, where: string, params: string[]): Promise<PendingEnrollmentRecord[]> {
  return (await db.all(`${PENDING_SELECT} WHERE ${where} ORDER BY created_at, id`, params)).map(toPending);
}

export async function decidePending(
  tx: SqlExecutor, d: Dialect, id: string, status: 'approved' | 'rejected', at: Date, by: string, audit: readonly AuditEventInput[],
): Promise<'decided' | 'not_found' | 'not_pending'> {
  const { changes } = await tx.run(
    "UPDATE pending_enrollments SET status = ?, decided_at = ?, decided_by = ? WHERE id = ? AND status = 'pending'", [status, msOf(at), by, id]);
  if (changes === 0) return (await tx.all('SELECT id FROM pending_enrollments WHERE id = ?', [id])).length === 0 ? 'not_found' : 'not_pending';
  await appendAuditEvents(tx, d, audit);
  return 'decided';
}

/** Counts one use unless `max` are recorded; the row is created at zero first so the UPDATE decides alone. */
export async function claimUse(tx: SqlExecutor, sha256: string, label: string, max: number | null, at: Date): Promise<boolean> {
  await tx.run('INSERT INTO bootstrap_uses (sha256, label, uses, first_at) VALUES (?, ?, 0, ?) ON CONFLICT (sha256) DO NOTHING', [sha256, label, msOf(at)]);
  const { changes } = max === null
    ? await tx.run('UPDATE bootstrap_uses SET uses = uses + 1 WHERE sha256 = ?', [sha256])
    : await tx.run('UPDATE bootstrap_uses SET uses = uses + 1 WHERE sha256 = ? AND uses < ?', [sha256, max]);
  return changes === 1;
}

export async function releaseUse(db: SqlExecutor, sha256: string): Promise<void> {
  await db.run('UPDATE bootstrap_uses SET uses = uses - 1 WHERE sha256 = ? AND uses > 0', [sha256]);
}

export async function selectUses(db: SqlExecutor, sha256: string): Promise<number> {
  const [row] = await db.all('SELECT uses FROM bootstrap_uses WHERE sha256 = ?', [sha256]);
  return row === undefined ? 0 : num(row, 'uses');
}

export async function insertEnrollment(tx: SqlExecutor, d: Dialect, e: DeviceEnrollment, audit: readonly AuditEventInput[]): Promise<void> {
  await tx.run('INSERT INTO devices (device_id, label, attributes, created_at) VALUES (?, ?, ?, ?) ON CONFLICT (device_id) DO NOTHING',
    [e.deviceId, e.label, jsonText(e.attributes), msOf(e.at)]);
  for (const l of e.links) {
    await tx.run('INSERT INTO device_links (device_id, role, serial, sha256, at) VALUES (?, ?, ?, ?, ?)', [e.deviceId, l.role, l.serial, l.sha256, msOf(l.at)]);
  }
  await appendAuditEvents(tx, d, audit);
}

const toLink = (r: Row): DeviceLink => ({ role: str(r, 'role') as DeviceLink['role'], serial: str(r, 'serial'), sha256: str(r, 'sha256'), at: date(r, 'at') });

export async function selectDevice(db: SqlExecutor, deviceId: string): Promise<DeviceRecord | null> {
  const [row] = await db.all('SELECT device_id, label, attributes, created_at FROM devices WHERE device_id = ?', [deviceId]);
  if (row === undefined) return null;
  const links = await db.all('SELECT role, serial, sha256, at FROM device_links WHERE device_id = ? ORDER BY id', [deviceId]);
  return {
    deviceId: str(row, 'device_id'), label: str(row, 'label'), attributes: json<Record<string, string>>(row, 'attributes'),
    createdAt: date(row, 'created_at'), links: links.map(toLink),
  };
}

export async function selectDeviceByBootstrap(db: SqlExecutor, sha256: string): Promise<DeviceRecord | null> {
  const [row] = await db.all("SELECT device_id FROM device_links WHERE sha256 = ? AND role = 'bootstrap' ORDER BY id LIMIT 1", [sha256]);
  return row === undefined ? null : selectDevice(db, str(row, 'device_id'));
}
