/**
 * Migration 8: factory provisioning (issue 8). A batch row per batch id; one narrow
 * batch_devices row per device a batch provisioned, linking the device id to its serial
 * and to the key it was bound to (SHA-256 of the SPKI), written in the transaction that
 * spends the serial (batch-devices.ts). Found by (batch, device) for resumption and the
 * manifest, by device id alone for conflicts and duplicates across batches. There is no
 * index on serial: every read goes from the device to its certificate, a serial is unique
 * in certificates already, and a random key's index costs a page write per row.
 *
 * In key-generation mode the device's key is kept there too, encrypted for its recipient
 * (never in clear): a run cut off after the certificate was stored but before the key
 * reached the output can still hand it out. The manufacturer is copied from the CA's
 * attributes when the batch is made, so reconciliation by manufacturer reads no JSON.
 * Certificates keep their `batch` attribute too: search and mass revocation by batch
 * need no join.
 */
import type { Dialect } from './driver.js';

export const batchTables = (d: Dialect): readonly string[] => [
  `CREATE TABLE batches (
    batch_id TEXT PRIMARY KEY,
    ca_name TEXT NOT NULL REFERENCES cas (name),
    manufacturer TEXT,
    profile TEXT NOT NULL,
    mode TEXT NOT NULL CHECK (mode IN ('csr', 'keygen', 'import')),
    status TEXT NOT NULL CHECK (status IN ('running', 'completed', 'stopped', 'failed')),
    attributes TEXT NOT NULL,
    requester TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    runs INTEGER NOT NULL,
    issued BIGINT NOT NULL CHECK (issued >= 0),
    refused BIGINT NOT NULL CHECK (refused >= 0),
    outcome_code TEXT,
    manifest_sha256 TEXT
  )`,
  'CREATE INDEX batches_created ON batches (created_at, batch_id)',
  'CREATE INDEX batches_ca_created ON batches (ca_name, created_at, batch_id)',
  'CREATE INDEX batches_manufacturer ON batches (manufacturer, batch_id)',
  `CREATE TABLE batch_devices (
    batch_id TEXT NOT NULL REFERENCES batches (batch_id),
    device_id TEXT${d.byteCollation} NOT NULL,
    serial TEXT NOT NULL REFERENCES certificates (serial),
    run INTEGER NOT NULL,
    csr_sha256 TEXT,
    spki_sha256 TEXT NOT NULL,
    encrypted_key ${d.bytes},
    PRIMARY KEY (batch_id, device_id)
  )${d.name === 'sqlite' ? ' WITHOUT ROWID' : ''}`,
  'CREATE INDEX batch_devices_device ON batch_devices (device_id, batch_id)',
];
