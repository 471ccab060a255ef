/**
 * The cas and delegated_signers tables. A CA row carries its issuance counter
 * (issued_count), which recordIntents (intents.ts) moves under the row's lock.
 */
import type { NameConstraints } from '@fleetpki/core';
import { ServiceError, type AuditEventInput, type CaPatch, type CaRecord, type DelegatedSignerRecord, type KeyRef } from '@fleetpki/ca';
import { appendAuditEvents } from './audit-log.js';
import {
  bytes, bytesOrNull, date, derList, derListText, json, jsonOrNull, jsonText, msOf, num, numOrNull, str, strOrNull,
} from './columns.js';
import type { Dialect, Row, SqlExecutor, SqlValue } from './driver.js';

const CA_COLUMNS = [
  'name', 'role', 'status', 'parent', 'subject', 'certificate_der', 'chain_der', 'csr_der', 'key_kind', 'key_data',
  'attributes', 'name_constraints', 'quota', 'issued_count', 'created_at',
] as const;
const CA_SELECT = `SELECT ${CA_COLUMNS.join(', ')} FROM cas`;

function keyOf(r: Row): KeyRef | null {
  const kind = strOrNull(r, 'key_kind');
  return kind === null ? null : { kind, data: str(r, 'key_data') };
}

function toCa(r: Row): CaRecord {
  return {
    name: str(r, 'name'),
    role: str(r, 'role') as CaRecord['role'],
    status: str(r, 'status') as CaRecord['status'],
    parent: strOrNull(r, 'parent'),
    subject: str(r, 'subject'),
    certificateDer: bytesOrNull(r, 'certificate_der'),
    chainDer: derList(r, 'chain_der'),
    csrDer: bytesOrNull(r, 'csr_der'),
    key: keyOf(r),
    attributes: json<Record<string, string>>(r, 'attributes'),
    nameConstraints: jsonOrNull<NameConstraints>(r, 'name_constraints'),
    quota: numOrNull(r, 'quota'),
    issuedCount: num(r, 'issued_count'),
    createdAt: date(r, 'created_at'),
  };
}

function caValues(ca: CaRecord): SqlValue[] {
  return [
    ca.name, ca.role, ca.status, ca.parent, ca.subject, ca.certificateDer, derListText(ca.chainDer), ca.csrDer,
    ca.key?.kind ?? null, ca.key?.data ?? null, jsonText(ca.attributes),
    ca.nameConstraints === null ? null : jsonText(ca.nameConstraints), ca.quota, ca.issuedCount, msOf(ca.createdAt),
  ];
}

export async function insertCa(tx: SqlExecutor, d: Dialect, ca: CaRecord, audit: readonly AuditEventInput[]): Promise<void> {
  const placeholders = CA_COLUMNS.map(() => '?').join(', ');
  const { changes } = await tx.run(
    `INSERT INTO cas (${CA_COLUMNS.join(', ')}) VALUES (${placeholders}) ON CONFLICT (name) DO NOTHING`, caValues(ca));
  if (changes === 0) throw new ServiceError('CA_EXISTS', undefined, { name: ca.name });
  await appendAuditEvents(tx, d, audit);
}

/** Column assignments for the fields present in `patch`; a field set to undefined is absent. */
function patchAssignments(patch: CaPatch): { sets: string[]; values: SqlValue[] } {
  const sets: string[] = [];
  const values: SqlValue[] = [];
  const set = (column: string, value: SqlValue): void => { sets.push(`${column} = ?`); values.push(value); };
  if (patch.status !== undefined) set('status', patch.status);
  if (patch.parent !== undefined) set('parent', patch.parent);
  if (patch.subject !== undefined) set('subject', patch.subject);
  if (patch.certificateDer !== undefined) set('certificate_der', patch.certificateDer);
  if (patch.chainDer !== undefined) set('chain_der', derListText(patch.chainDer));
  if (patch.csrDer !== undefined) set('csr_der', patch.csrDer);
  if (patch.key !== undefined) { set('key_kind', patch.key?.kind ?? null); set('key_data', patch.key?.data ?? null); }
  return { sets, values };
}

export async function updateCaRow(tx: SqlExecutor, d: Dialect, name: string, patch: CaPatch, audit: readonly AuditEventInput[]): Promise<void> {
  const { sets, values } = patchAssignments(patch);
  const found = sets.length === 0
    ? (await tx.all('SELECT name FROM cas WHERE name = ?', [name])).length
    : (await tx.run(`UPDATE cas SET ${sets.join(', ')} WHERE name = ?`, [...values, name])).changes;
  if (found === 0) throw new ServiceError('CA_NOT_FOUND', undefined, { name });
  await appendAuditEvents(tx, d, audit);
}

export async function selectCa(db: SqlExecutor, name: string): Promise<CaRecord | null> {
  const [row] = await db.all(`${CA_SELECT} WHERE name = ?`, [name]);
  return row === undefined ? null : toCa(row);
}

export async function selectCas(db: SqlExecutor): Promise<CaRecord[]> {
  return (await db.all(`${CA_SELECT} ORDER BY name`)).map(toCa);
}

const SIGNER_COLUMNS = ['name', 'purpose', 'ca_name', 'certificate_der', 'key_kind', 'key_data', 'created_at'] as const;

function toSigner(r: Row): DelegatedSignerRecord {
  return {
    name: str(r, 'name'),
    purpose: str(r, 'purpose') as DelegatedSignerRecord['purpose'],
    caName: str(r, 'ca_name'),
    certificateDer: bytes(r, 'certificate_der'),
    key: { kind: str(r, 'key_kind'), data: str(r, 'key_data') },
    createdAt: date(r, 'created_at'),
  };
}

/** Inserts or replaces the signer of that name (a renewed OCSP signer keeps its name). */
export async function upsertSigner(tx: SqlExecutor, d: Dialect, s: DelegatedSignerRecord, audit: readonly AuditEventInput[]): Promise<void> {
  if ((await tx.all('SELECT name FROM cas WHERE name = ?', [s.caName])).length === 0) {
    throw new ServiceError('CA_NOT_FOUND', undefined, { name: s.caName });
  }
  const updates = SIGNER_COLUMNS.filter((c) => c !== 'name').map((c) => `${c} = excluded.${c}`).join(', ');
  await tx.run(
    `INSERT INTO delegated_signers (${SIGNER_COLUMNS.join(', ')}) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (name) DO UPDATE SET ${updates}`,
    [s.name, s.purpose, s.caName, s.certificateDer, s.key.kind, s.key.data, msOf(s.createdAt)],
  );
  await appendAuditEvents(tx, d, audit);
}

export async function selectSigners(db: SqlExecutor, caName?: string): Promise<DelegatedSignerRecord[]> {
  const select = `SELECT ${SIGNER_COLUMNS.join(', ')} FROM delegated_signers`;
  const rows = caName === undefined
    ? await db.all(`${select} ORDER BY name`)
    : await db.all(`${select} WHERE ca_name = ? ORDER BY name`, [caName]);
  return rows.map(toSigner);
}
