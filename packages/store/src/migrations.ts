/**
 * One ordered migration set for both engines. Each migration is a function of the dialect
 * (driver.ts), so a column is declared once and typed per engine. Applied migrations are
 * recorded in schema_migrations; applying the list again does nothing. Append new
 * migrations at the end; never edit one that has shipped.
 */
import { AUDIT_GENESIS_HASH } from '@fleetpki/core';
import type { Dialect, SqlDriver } from './driver.js';
import { enrollmentTables } from './enrollment-migration.js';
import { gatewayTables } from './gateway-migration.js';
import { batchTables } from './batch-migration.js';

export interface Migration {
  readonly id: number;
  readonly name: string;
  readonly statements: (d: Dialect) => readonly string[];
}

const caTables = (d: Dialect): readonly string[] => [
  `CREATE TABLE cas (
    name TEXT PRIMARY KEY,
    role TEXT NOT NULL CHECK (role IN ('root', 'issuing', 'manufacturer')),
    status TEXT NOT NULL CHECK (status IN ('pending', 'active', 'disabled')),
    parent TEXT,
    subject TEXT NOT NULL,
    certificate_der ${d.bytes},
    chain_der TEXT NOT NULL,
    csr_der ${d.bytes},
    key_kind TEXT,
    key_data TEXT,
    attributes TEXT NOT NULL,
    name_constraints TEXT,
    quota BIGINT CHECK (quota IS NULL OR quota >= 0),
    issued_count BIGINT NOT NULL CHECK (issued_count >= 0),
    created_at BIGINT NOT NULL,
    -- The port's promise "issuedCount never exceeds its quota", kept by the database too.
    CHECK (quota IS NULL OR issued_count <= quota)
  )`,
  `CREATE TABLE delegated_signers (
    name TEXT PRIMARY KEY,
    purpose TEXT NOT NULL CHECK (purpose IN ('ocsp')),
    ca_name TEXT NOT NULL REFERENCES cas (name),
    certificate_der ${d.bytes} NOT NULL,
    key_kind TEXT NOT NULL,
    key_data TEXT NOT NULL,
    created_at BIGINT NOT NULL
  )`,
  'CREATE INDEX delegated_signers_ca ON delegated_signers (ca_name, name)',
];

/**
 * Every search index ends in id, so one index serves both the filter and the keyset order
 * (id DESC) without a sort; (.., not_after, id) serve the expiresBefore order. The serial
 * gets its own unique index; certificates are found by serial (OCSP, revoke) far more
 * often than listed.
 */
const certificateTables = (d: Dialect): readonly string[] => [
  `CREATE TABLE certificates (
    id ${d.autoId},
    serial TEXT NOT NULL UNIQUE,
    ca_name TEXT NOT NULL REFERENCES cas (name),
    profile TEXT NOT NULL,
    subject TEXT${d.byteCollation} NOT NULL,
    device_id TEXT,
    subject_alt_names TEXT NOT NULL,
    not_before BIGINT NOT NULL,
    not_after BIGINT NOT NULL,
    tbs_der ${d.bytes} NOT NULL,
    requester TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'issued', 'revoked')),
    der ${d.bytes},
    sha256 TEXT,
    issued_at BIGINT,
    revoked_at BIGINT,
    revocation_reason TEXT
  )`,
  'CREATE INDEX certificates_ca_id ON certificates (ca_name, id)',
  'CREATE INDEX certificates_status_id ON certificates (status, id)',
  'CREATE INDEX certificates_profile_id ON certificates (profile, id)',
  'CREATE INDEX certificates_subject_id ON certificates (subject, id)',
  'CREATE INDEX certificates_device_id ON certificates (device_id, id) WHERE device_id IS NOT NULL',
  'CREATE INDEX certificates_not_after_id ON certificates (not_after, id)',
  'CREATE INDEX certificates_ca_not_after_id ON certificates (ca_name, not_after, id)',
  // "revoked and expired before X" (entries a CRL may drop, RFC 5280 5.1.2.6) and
  // "issued and expiring before X" (the renewal dashboard).
  'CREATE INDEX certificates_status_not_after_id ON certificates (status, not_after, id)',
];

const auditTables = (d: Dialect): readonly string[] => [
  `CREATE TABLE audit_events (
    seq ${d.int64Key},
    at BIGINT NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    outcome TEXT NOT NULL CHECK (outcome IN ('success', 'refused', 'failure')),
    target TEXT,
    code TEXT,
    detail TEXT,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
  )`,
  // One row: the last sequence number and hash. Appenders lock it, which serializes the
  // chain across connections and processes; it also reveals a truncated tail.
  `CREATE TABLE audit_head (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    seq BIGINT NOT NULL,
    hash TEXT NOT NULL
  )`,
  `INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, '${AUDIT_GENESIS_HASH}')`,
];

const tokenAndSettingTables = (): readonly string[] => [
  `CREATE TABLE api_tokens (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('admin', 'operator', 'auditor')),
    token_hash TEXT NOT NULL UNIQUE,
    created_at BIGINT NOT NULL,
    revoked_at BIGINT
  )`,
  'CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL)',
];

/**
 * Revocation (issue 3). `revocations` holds one narrow row per revoked certificate, keyed
 * (and on SQLite clustered) by (ca_name, crl_shard, serial): a CRL of a million entries is
 * one range read of about 100 bytes a row, never the wide certificates rows. Reasons are
 * stored there as CRLReason codes (RFC 5280 5.3.1) and in certificates by name. On
 * PostgreSQL the key INCLUDEs the entry columns, so a CRL is an index-only scan rather than
 * a heap fetch per entry (measured: 27 ms against 3 ms a page of 10,000).
 * `hold_releases` keeps lifted holds for the next delta CRL's removeFromCRL entries.
 * `certificate_attributes` (name, value) finds a batch or firmware without a table scan.
 */
const revocationTables = (d: Dialect): readonly string[] => [
  'ALTER TABLE certificates ADD COLUMN invalidity_date BIGINT',
  'ALTER TABLE certificates ADD COLUMN crl_shard INTEGER NOT NULL DEFAULT 0',
  "ALTER TABLE certificates ADD COLUMN attributes TEXT NOT NULL DEFAULT '{}'",
  // "issued between" selections for mass revocation.
  'CREATE INDEX certificates_issued_at_id ON certificates (issued_at, id)',
  `CREATE TABLE certificate_attributes (
    certificate_id BIGINT NOT NULL REFERENCES certificates (id),
    name TEXT NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (certificate_id, name)
  )`,
  'CREATE INDEX certificate_attributes_value ON certificate_attributes (name, value, certificate_id)',
  `CREATE TABLE revocations (
    ca_name TEXT NOT NULL,
    crl_shard INTEGER NOT NULL,
    serial TEXT NOT NULL REFERENCES certificates (serial),
    not_after BIGINT NOT NULL,
    revoked_at BIGINT NOT NULL,
    reason INTEGER NOT NULL,
    invalidity_date BIGINT,
    changed_at BIGINT NOT NULL,
    PRIMARY KEY (ca_name, crl_shard, serial)${d.name === 'postgres' ? ' INCLUDE (not_after, revoked_at, reason, invalidity_date)' : ''}
  )${d.name === 'sqlite' ? ' WITHOUT ROWID' : ''}`,
  'CREATE UNIQUE INDEX revocations_serial ON revocations (serial)',
  'CREATE INDEX revocations_changed ON revocations (ca_name, changed_at)',
  `CREATE TABLE hold_releases (
    id ${d.autoId},
    serial TEXT NOT NULL REFERENCES certificates (serial),
    ca_name TEXT NOT NULL,
    crl_shard INTEGER NOT NULL,
    held_since BIGINT NOT NULL,
    released_at BIGINT NOT NULL
  )`,
  'CREATE INDEX hold_releases_released ON hold_releases (ca_name, released_at)',
  `CREATE TABLE revocation_previews (
    token_hash TEXT PRIMARY KEY,
    query TEXT NOT NULL,
    match_count BIGINT NOT NULL,
    devices BIGINT NOT NULL,
    as_of BIGINT NOT NULL,
    actor TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    used_at BIGINT
  )`,
  // One CRL number sequence per CA, shared by full and delta CRLs of every shard.
  'CREATE TABLE crl_numbers (ca_name TEXT PRIMARY KEY REFERENCES cas (name), last_number BIGINT NOT NULL)',
  `CREATE TABLE crls (
    ca_name TEXT NOT NULL REFERENCES cas (name),
    shard INTEGER NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('full', 'delta')),
    crl_number BIGINT NOT NULL,
    base_crl_number BIGINT,
    this_update BIGINT NOT NULL,
    next_update BIGINT NOT NULL,
    der ${d.bytes} NOT NULL,
    PRIMARY KEY (ca_name, shard, kind)
  )`,
];

export const MIGRATIONS: readonly Migration[] = [
  { id: 1, name: 'cas', statements: caTables },
  { id: 2, name: 'certificates', statements: certificateTables },
  { id: 3, name: 'audit', statements: auditTables },
  { id: 4, name: 'tokens-and-settings', statements: tokenAndSettingTables },
  { id: 5, name: 'revocation', statements: revocationTables },
  { id: 6, name: 'enrollment', statements: enrollmentTables },
  { id: 7, name: 'gateway', statements: gatewayTables },
  { id: 8, name: 'batches', statements: batchTables },
];

/** Any number like this; it only has to be the same in every process of a deployment. */
const PG_MIGRATION_LOCK = 0x464c5450; // "FLTP"

/**
 * Applies the pending migrations in one transaction: a failure leaves the schema as it was.
 * Several processes may start at once: SQLite's BEGIN IMMEDIATE and a PostgreSQL advisory
 * lock let one of them migrate while the others wait and then find nothing to do.
 */
export async function migrate(driver: SqlDriver, migrations: readonly Migration[] = MIGRATIONS): Promise<number[]> {
  return driver.transaction(async (tx) => {
    if (driver.dialect.name === 'postgres') await tx.all('SELECT pg_advisory_xact_lock(?)', [PG_MIGRATION_LOCK]);
    await tx.run('CREATE TABLE IF NOT EXISTS schema_migrations (id INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)');
    const done = new Set((await tx.all('SELECT id FROM schema_migrations')).map((r) => Number(r['id'])));
    const applied: number[] = [];
    for (const m of migrations) {
      if (done.has(m.id)) continue;
      for (const statement of m.statements(driver.dialect)) await tx.run(statement);
      await tx.run('INSERT INTO schema_migrations (id, name, applied_at) VALUES (?, ?, ?)', [m.id, m.name, Date.now()]);
      applied.push(m.id);
    }
    return applied;
  });
}
