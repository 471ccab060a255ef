/**
 * Migration 7: what the gateways read and write (issue 7).
 *   status_events    an outbox of status changes (revocations, lifted holds, device
 *                    attribute changes), written in the transaction that makes the change,
 *                    read in seq order by every gateway and server node. Its seq never goes
 *                    backwards and is never reused (AUTOINCREMENT on SQLite; on PostgreSQL
 *                    writers take an advisory lock first, so seq order is commit order).
 *   device_presence  when each device was first and last seen online, from where.
 *   sequence_states  the last way station each device reported, per sequence rule.
 * Device attributes live in devices.attributes (migration 6), apart from certificates.
 */
import type { Dialect } from './driver.js';

export const gatewayTables = (d: Dialect): readonly string[] => [
  `CREATE TABLE status_events (
    seq ${d.name === 'sqlite' ? 'INTEGER PRIMARY KEY AUTOINCREMENT' : d.autoId},
    type TEXT NOT NULL,
    ca_name TEXT,
    serial TEXT,
    device_id TEXT,
    detail TEXT NOT NULL,
    at BIGINT NOT NULL
  )`,
  'CREATE INDEX status_events_at ON status_events (at)',
  `CREATE TABLE device_presence (
    device_id TEXT PRIMARY KEY,
    first_seen_at BIGINT NOT NULL,
    last_seen_at BIGINT NOT NULL,
    last_serial TEXT,
    last_source TEXT,
    last_gateway TEXT
  )`,
  `CREATE TABLE sequence_states (
    device_id TEXT NOT NULL,
    rule TEXT NOT NULL,
    station_index INTEGER NOT NULL,
    station TEXT NOT NULL,
    at BIGINT NOT NULL,
    PRIMARY KEY (device_id, rule)
  )`,
];
