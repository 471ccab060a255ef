/**
 * The status_events outbox (migration 7): appended inside the transaction that makes a
 * status change, read by every gateway and server node in seq order.
 *
 * Seq order must be commit order, or a reader that has passed seq N could miss a row with a
 * smaller seq committed later. SQLite serializes writers already. On PostgreSQL identity
 * values are taken at insert, not at commit, so writers take a transaction-scoped advisory
 * lock first: the lock is held to commit, so rows become visible in seq order. Status
 * changes are rare next to reads, so serializing their writers costs nothing that matters.
 */
import type { StatusEventInput, StatusEventRecord, StatusEventType } from '@fleetpki/ca';
import { insertRows } from './batch-insert.js';
import { date, json, jsonText, msOf, num, str, strOrNull } from './columns.js';
import type { Dialect, Row, SqlExecutor } from './driver.js';

/** Any constant; it only has to be the same in every process of a deployment ("FLSE"). */
const PG_OUTBOX_LOCK = 0x464c5345;
export const STATUS_CHANNEL = 'fleetpki_status';

export type { StatusEventInput };

const COLUMNS = ['type', 'ca_name', 'serial', 'device_id', 'detail', 'at'] as const;

/** Appends outbox rows in the caller's transaction; PostgreSQL listeners are woken at commit. */
export async function appendStatusEvents(tx: SqlExecutor, d: Dialect, events: readonly StatusEventInput[]): Promise<number> {
  if (events.length === 0) return 0;
  if (d.name === 'postgres') await tx.all('SELECT pg_advisory_xact_lock(?)', [PG_OUTBOX_LOCK]);
  const rows = events.map((e) => [e.type, e.caName, e.serial, e.deviceId, jsonText(e.detail), msOf(e.at)]);
  const returned = await insertRows(tx, 'status_events', COLUMNS, rows, 'RETURNING seq');
  if (d.name === 'postgres') await tx.all(`SELECT pg_notify('${STATUS_CHANNEL}', '')`);
  return Math.max(...returned.map((r) => num(r, 'seq')));
}

function toEvent(r: Row): StatusEventRecord {
  return {
    seq: num(r, 'seq'), type: str(r, 'type') as StatusEventType, caName: strOrNull(r, 'ca_name'), serial: strOrNull(r, 'serial'),
    deviceId: strOrNull(r, 'device_id'), detail: json<Record<string, unknown>>(r, 'detail'), at: date(r, 'at'),
  };
}

export async function selectStatusEventsAfter(db: SqlExecutor, afterSeq: number, limit: number): Promise<StatusEventRecord[]> {
  const rows = await db.all('SELECT seq, type, ca_name, serial, device_id, detail, at FROM status_events WHERE seq > ? ORDER BY seq LIMIT ?', [afterSeq, limit]);
  return rows.map(toEvent);
}

/** Pruning records the highest seq it deleted, so a reader can tell a pruned range from a rolled-back writer's hole. */
const PRUNED_SETTING = 'status_events_pruned_through';

async function prunedThrough(db: SqlExecutor): Promise<number> {
  const [row] = await db.all('SELECT value FROM settings WHERE key = ?', [PRUNED_SETTING]);
  return row === undefined ? 0 : Number(str(row, 'value'));
}

export async function selectStatusEventBounds(db: SqlExecutor): Promise<{ last: number; prunedThrough: number }> {
  const [row] = await db.all('SELECT MAX(seq) AS last FROM status_events');
  const pruned = await prunedThrough(db);
  const last = row === undefined || row['last'] === null ? 0 : num(row, 'last');
  return { last: Math.max(last, pruned), prunedThrough: pruned };
}

export async function deleteStatusEventsBefore(tx: SqlExecutor, before: Date): Promise<number> {
  const [row] = await tx.all('SELECT MAX(seq) AS through FROM status_events WHERE at < ?', [msOf(before)]);
  if (row === undefined || row['through'] === null) return 0;
  const through = num(row, 'through');
  const { changes } = await tx.run('DELETE FROM status_events WHERE seq <= ?', [through]);
  await tx.run('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value', [PRUNED_SETTING, String(Math.max(through, await prunedThrough(tx)))]);
  return changes;
}
