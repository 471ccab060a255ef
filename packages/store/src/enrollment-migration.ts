/**
 * Migration 6: enrollment (issue 5). Groups keep their policy as canonical JSON (one
 * column, read back whole); secrets only as SHA-256; one pending request per device and
 * group; bootstrap certificate uses counted under a row lock; devices and their links to
 * bootstrap and operational certificates, found by device id or by certificate hash.
 */
import type { Dialect } from './driver.js';

export const enrollmentTables = (d: Dialect): readonly string[] => [
  `CREATE TABLE enrollment_groups (
    label TEXT PRIMARY KEY,
    ca_name TEXT NOT NULL REFERENCES cas (name),
    profile TEXT NOT NULL,
    spec TEXT NOT NULL,
    created_at BIGINT NOT NULL
  )`,
  `CREATE TABLE enrollment_secrets (
    secret_hash TEXT PRIMARY KEY,
    label TEXT NOT NULL REFERENCES enrollment_groups (label),
    device_id TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    used_at BIGINT
  )`,
  `CREATE TABLE bootstrap_uses (
    sha256 TEXT PRIMARY KEY,
    label TEXT NOT NULL,
    uses BIGINT NOT NULL CHECK (uses >= 0),
    first_at BIGINT NOT NULL
  )`,
  `CREATE TABLE pending_enrollments (
    id TEXT PRIMARY KEY,
    label TEXT NOT NULL REFERENCES enrollment_groups (label),
    device_id TEXT NOT NULL,
    csr_sha256 TEXT NOT NULL,
    subject TEXT NOT NULL,
    source TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'rejected')),
    created_at BIGINT NOT NULL,
    decided_at BIGINT,
    decided_by TEXT,
    UNIQUE (label, device_id)
  )`,
  `CREATE TABLE devices (
    device_id TEXT PRIMARY KEY,
    label TEXT NOT NULL,
    attributes TEXT NOT NULL,
    created_at BIGINT NOT NULL
  )`,
  `CREATE TABLE device_links (
    id ${d.autoId},
    device_id TEXT NOT NULL REFERENCES devices (device_id),
    role TEXT NOT NULL CHECK (role IN ('bootstrap', 'operational')),
    serial TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    at BIGINT NOT NULL
  )`,
  'CREATE INDEX device_links_device ON device_links (device_id, id)',
  'CREATE INDEX device_links_sha256 ON device_links (sha256, id)',
];
