/**
 * Device state the gateways keep (migration 7): attributes (devices.attributes, apart from
 * certificates), presence (device_presence) and way-station progress (sequence_states);
 * and the deny-list a gateway starts from (revocations of unexpired certificates).
 */
import type {
  AuditEventInput, DeniedSerial, DeviceAttributesRecord, PresenceRecord, PresenceUpdate, PutAttributesResult, SequenceStateRecord,
} from '@fleetpki/ca';
import { appendAuditEvents } from './audit-log.js';
import { date, json, jsonText, msOf, num, str, strOrNull } from './columns.js';
import type { Dialect, SqlExecutor } from './driver.js';
import { appendStatusEvents } from './status-events.js';

export async function putAttributes(
  tx: SqlExecutor, d: Dialect, deviceId: string, attributes: Readonly<Record<string, string>>, at: Date,
  auditFor: (previous: Readonly<Record<string, string>> | null) => readonly AuditEventInput[],
): Promise<PutAttributesResult> {
  const [row] = await tx.all(`SELECT attributes FROM devices WHERE device_id = ?${d.forUpdate}`, [deviceId]);
  const previous = row === undefined ? null : json<Record<string, string>>(row, 'attributes');
  if (row === undefined) {
    await tx.run("INSERT INTO devices (device_id, label, attributes, created_at) VALUES (?, '', ?, ?)", [deviceId, jsonText(attributes), msOf(at)]);
  } else {
    await tx.run('UPDATE devices SET attributes = ? WHERE device_id = ?', [jsonText(attributes), deviceId]);
  }
  const seq = await appendStatusEvents(tx, d, [{ type: 'device.attributes_changed', caName: null, serial: null, deviceId, detail: { attributes }, at }]);
  await appendAuditEvents(tx, d, auditFor(previous));
  return { created: row === undefined, previous, seq };
}

export async function selectAttributes(db: SqlExecutor, deviceId: string): Promise<DeviceAttributesRecord | null> {
  const [row] = await db.all('SELECT device_id, attributes FROM devices WHERE device_id = ?', [deviceId]);
  return row === undefined ? null : { deviceId: str(row, 'device_id'), attributes: json<Record<string, string>>(row, 'attributes') };
}

export async function selectDenied(db: SqlExecutor, now: Date, afterSerial: string, limit: number): Promise<DeniedSerial[]> {
  const rows = await db.all(
    `SELECT r.serial, r.ca_name, c.device_id FROM revocations r JOIN certificates c ON c.serial = r.serial
     WHERE r.serial > ? AND r.not_after > ? ORDER BY r.serial LIMIT ?`, [afterSerial, msOf(now), limit]);
  return rows.map((r) => ({ serial: str(r, 'serial'), caName: str(r, 'ca_name'), deviceId: strOrNull(r, 'device_id') }));
}

/** The newest update per device wins; first_seen_at is set once, last_seen_at only moves forward. */
export async function upsertPresence(tx: SqlExecutor, updates: readonly PresenceUpdate[]): Promise<void> {
  const latest = new Map<string, PresenceUpdate>();
  for (const u of updates) {
    const seen = latest.get(u.deviceId);
    if (!seen || seen.at < u.at) latest.set(u.deviceId, u);
  }
  for (const u of latest.values()) {
    await tx.run(
      `INSERT INTO device_presence (device_id, first_seen_at, last_seen_at, last_serial, last_source, last_gateway) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (device_id) DO UPDATE SET last_seen_at = excluded.last_seen_at, last_serial = excluded.last_serial,
         last_source = excluded.last_source, last_gateway = excluded.last_gateway
       WHERE device_presence.last_seen_at <= excluded.last_seen_at`,
      [u.deviceId, msOf(u.at), msOf(u.at), u.serial, u.source, u.gateway]);
  }
}

export async function selectPresence(db: SqlExecutor, deviceId: string): Promise<PresenceRecord | null> {
  const [r] = await db.all('SELECT device_id, first_seen_at, last_seen_at, last_serial, last_source, last_gateway FROM device_presence WHERE device_id = ?', [deviceId]);
  if (r === undefined) return null;
  return {
    deviceId: str(r, 'device_id'), firstSeenAt: date(r, 'first_seen_at'), lastSeenAt: date(r, 'last_seen_at'),
    lastSerial: strOrNull(r, 'last_serial'), lastSource: strOrNull(r, 'last_source'), lastGateway: strOrNull(r, 'last_gateway'),
  };
}

export async function selectSequenceState(db: SqlExecutor, deviceId: string, rule: string): Promise<SequenceStateRecord | null> {
  const [r] = await db.all('SELECT station_index, station, at FROM sequence_states WHERE device_id = ? AND rule = ?', [deviceId, rule]);
  return r === undefined ? null : { index: num(r, 'station_index'), station: str(r, 'station'), at: date(r, 'at') };
}

/** Compare-and-set: the row moves only from the state the caller decided on. */
export async function casSequenceState(db: SqlExecutor, deviceId: string, rule: string, expected: number | null, next: SequenceStateRecord): Promise<boolean> {
  if (expected === null) {
    const { changes } = await db.run(
      'INSERT INTO sequence_states (device_id, rule, station_index, station, at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (device_id, rule) DO NOTHING',
      [deviceId, rule, next.index, next.station, msOf(next.at)]);
    return changes === 1;
  }
  const { changes } = await db.run(
    'UPDATE sequence_states SET station_index = ?, station = ?, at = ? WHERE device_id = ? AND rule = ? AND station_index = ?',
    [next.index, next.station, msOf(next.at), deviceId, rule, expected]);
  return changes === 1;
}
