/**
 * Selecting certificates for a mass revocation (RevocationQuery): a count, the distinct
 * devices and a sample for the dry run, then the serials page by page for the confirmed
 * run. Pages follow issuance order (id ASC) with keyset cursors, so the millionth match
 * costs what the first does, and rows revoked behind the cursor never shift a page.
 *
 * `manufacturer` names CAs by their attributes; it is resolved to CA names here (a
 * deployment has a handful of CAs). A manufacturer or CA that matches nothing makes the
 * whole query match nothing, never "no filter".
 */
import type { CertificateRecord, Page, RevocationMatches, RevocationQuery } from '@fleetpki/ca';
import { selectCas } from './cas.js';
import { CERTIFICATE_COLUMNS, toCertificate } from './certificate-row.js';
import { num, str } from './columns.js';
import { decodeCursor, encodeCursor } from './cursor.js';
import type { SqlExecutor, SqlValue } from './driver.js';
import { requestInvalid } from './errors.js';

export const MAX_REVOCATION_PAGE = 10_000;

interface Where { readonly sql: string; readonly params: readonly SqlValue[] }

async function caNamesOf(db: SqlExecutor, q: RevocationQuery): Promise<readonly string[] | undefined> {
  if (q.manufacturer === undefined) return q.caName === undefined ? undefined : [q.caName];
  const names = (await selectCas(db)).filter((ca) => ca.attributes['manufacturer'] === q.manufacturer).map((ca) => ca.name);
  return q.caName === undefined ? names : names.filter((n) => n === q.caName);
}

function instant(d: Date, field: string): number {
  const ms = d.getTime();
  if (!Number.isFinite(ms)) throw requestInvalid(`${field} is not a valid instant`);
  return ms;
}

/** The WHERE clause of `q`, or null when it can match nothing. */
async function whereOf(db: SqlExecutor, q: RevocationQuery): Promise<Where | null> {
  const clauses: string[] = [];
  const params: SqlValue[] = [];
  const add = (clause: string, ...values: readonly SqlValue[]): void => { clauses.push(clause); params.push(...values); };
  const caNames = await caNamesOf(db, q);
  if (caNames !== undefined) {
    if (caNames.length === 0) return null;
    add(caNames.length === 1 ? 'ca_name = ?' : `ca_name IN (${caNames.map(() => '?').join(', ')})`, ...caNames);
  }
  if (q.profile !== undefined) add('profile = ?', q.profile);
  if (q.deviceId !== undefined) add('device_id = ?', q.deviceId);
  if (q.status !== undefined) add('status = ?', q.status);
  if (q.issuedAfter !== undefined) add('issued_at >= ?', instant(q.issuedAfter, 'issuedAfter'));
  if (q.issuedBefore !== undefined) add('issued_at < ?', instant(q.issuedBefore, 'issuedBefore'));
  for (const [name, value] of Object.entries(q.attributes ?? {})) {
    add('id IN (SELECT certificate_id FROM certificate_attributes WHERE name = ? AND value = ?)', name, value);
  }
  return { sql: clauses.length === 0 ? '' : clauses.join(' AND '), params };
}

const and = (w: Where, extra: string): string => (w.sql === '' ? extra : `${w.sql} AND ${extra}`);
const whereText = (w: Where): string => (w.sql === '' ? '' : ` WHERE ${w.sql}`);

export async function previewMatches(db: SqlExecutor, q: RevocationQuery, sampleSize: number): Promise<RevocationMatches> {
  if (!Number.isInteger(sampleSize) || sampleSize < 0 || sampleSize > 1000) throw requestInvalid('sampleSize must be 0..1000');
  const where = await whereOf(db, q);
  if (where === null) return { count: 0, devices: 0, sample: [] };
  const [counts] = await db.all(`SELECT COUNT(*) AS n, COUNT(DISTINCT device_id) AS d FROM certificates${whereText(where)}`, where.params);
  const sample: CertificateRecord[] = sampleSize === 0 ? [] : (await db.all(
    `SELECT ${CERTIFICATE_COLUMNS.join(', ')} FROM certificates${whereText(where)} ORDER BY id LIMIT ?`, [...where.params, sampleSize])).map(toCertificate);
  return { count: Number(counts?.['n'] ?? 0), devices: Number(counts?.['d'] ?? 0), sample };
}

export async function pageMatches(db: SqlExecutor, q: RevocationQuery, page: { readonly limit: number; readonly cursor?: string }): Promise<Page<string>> {
  if (!Number.isInteger(page.limit) || page.limit < 1 || page.limit > MAX_REVOCATION_PAGE) {
    throw requestInvalid(`limit must be an integer from 1 to ${MAX_REVOCATION_PAGE}`, { limit: page.limit });
  }
  const after = page.cursor === undefined ? null : decodeCursor(page.cursor, 'oldest');
  const where = await whereOf(db, q);
  if (where === null) return { items: [], nextCursor: null };
  const sql = `SELECT id, serial FROM certificates WHERE ${and(where, 'id > ?')} ORDER BY id LIMIT ?`;
  const rows = await db.all(sql, [...where.params, after?.id ?? 0, page.limit + 1]);
  const items = rows.slice(0, page.limit);
  const last = items[items.length - 1];
  const nextCursor = rows.length > page.limit && last !== undefined ? encodeCursor({ order: 'oldest', id: num(last, 'id') }) : null;
  return { items: items.map((r) => str(r, 'serial')), nextCursor };
}
