/**
 * searchCertificates: filtered, keyset-paginated listing. Every filter is an equality or a
 * range on an indexed column, and each index ends in id (migrations.ts), so a page is an
 * index range scan that stops after `limit + 1` rows, not a sort of everything matching.
 */
import type { CertificateQuery, CertificateRecord, Page } from '@fleetpki/ca';
import { CERTIFICATE_COLUMNS, toCertificate } from './certificate-row.js';
import { num } from './columns.js';
import { decodeCursor, encodeCursor, type Cursor, type SearchOrder } from './cursor.js';
import type { SqlExecutor, SqlValue } from './driver.js';
import { requestInvalid } from './errors.js';

export const MAX_PAGE_SIZE = 1000;

/**
 * The least string greater than every string that starts with `prefix`, or null if there is
 * none. Byte-wise (UTF-8) order is code point order, so bumping the last code point gives
 * it; U+10FFFF cannot be bumped and is dropped instead, and the surrogate block (not valid
 * in UTF-8) is skipped.
 */
export function prefixUpperBound(prefix: string): string | null {
  const points = Array.from(prefix, (c) => c.codePointAt(0) ?? 0);
  while (points.length > 0) {
    const last = points.pop() ?? 0;
    if (last < 0x10ffff) {
      points.push(last === 0xd7ff ? 0xe000 : last + 1);
      return String.fromCodePoint(...points);
    }
  }
  return null;
}

interface Where { readonly clauses: string[]; readonly params: SqlValue[] }

function filters(q: CertificateQuery): Where {
  const w: Where = { clauses: [], params: [] };
  const add = (clause: string, ...values: SqlValue[]): void => { w.clauses.push(clause); w.params.push(...values); };
  if (q.caName !== undefined) add('ca_name = ?', q.caName);
  if (q.status !== undefined) add('status = ?', q.status);
  if (q.profile !== undefined) add('profile = ?', q.profile);
  if (q.subject !== undefined) add('subject = ?', q.subject);
  if (q.deviceId !== undefined) add('device_id = ?', q.deviceId);
  if (q.subjectPrefix !== undefined && q.subjectPrefix !== '') {
    if (/\p{Cs}/u.test(q.subjectPrefix)) throw requestInvalid('subjectPrefix is not well-formed Unicode');
    const upper = prefixUpperBound(q.subjectPrefix);
    if (upper === null) add('subject >= ?', q.subjectPrefix);
    else add('subject >= ? AND subject < ?', q.subjectPrefix, upper);
  }
  if (q.expiresBefore !== undefined) {
    const ms = q.expiresBefore.getTime();
    if (!Number.isFinite(ms)) throw requestInvalid('expiresBefore is not a valid instant');
    add('not_after < ?', ms);
  }
  return w;
}

function afterCursor(w: Where, c: Cursor): void {
  if (c.order === 'newest') { w.clauses.push('id < ?'); w.params.push(c.id); return; }
  // A row-value comparison, not an OR of two: both engines turn it into one index range
  // start (https://www.sqlite.org/rowvalue.html#scrolling_window_queries).
  w.clauses.push('(not_after, id) > (?, ?)');
  w.params.push(c.notAfter, c.id);
}

function checkLimit(limit: number): void {
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE_SIZE) {
    throw requestInvalid(`limit must be an integer from 1 to ${MAX_PAGE_SIZE}`, { limit });
  }
}

export async function searchCertificateRows(db: SqlExecutor, q: CertificateQuery): Promise<Page<CertificateRecord>> {
  checkLimit(q.limit);
  const order: SearchOrder = q.expiresBefore === undefined ? 'newest' : 'expiry';
  const w = filters(q);
  if (q.cursor !== undefined) afterCursor(w, decodeCursor(q.cursor, order));
  const where = w.clauses.length === 0 ? '' : ` WHERE ${w.clauses.join(' AND ')}`;
  const orderBy = order === 'newest' ? 'id DESC' : 'not_after, id';
  const rows = await db.all(
    `SELECT id, ${CERTIFICATE_COLUMNS.join(', ')} FROM certificates${where} ORDER BY ${orderBy} LIMIT ?`, [...w.params, q.limit + 1]);
  const page = rows.slice(0, q.limit);
  const last = page.at(-1);
  const nextCursor = rows.length <= q.limit || last === undefined ? null
    : encodeCursor(order === 'newest' ? { order, id: num(last, 'id') } : { order, id: num(last, 'id'), notAfter: num(last, 'not_after') });
  return { items: page.map(toCertificate), nextCursor };
}
