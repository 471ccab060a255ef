/**
 * searchCertificates: filtered, keyset-paginated listing (the SQL is in search-sql.ts).
 * Newest first (id DESC); with expiresBefore, soonest-expiring first (not_after, id).
 */
import type { CertificateQuery, CertificateRecord, Page } from '@fleetpki/ca';
import { toCertificate } from './certificate-row.js';
import { num } from './columns.js';
import { decodeCursor, encodeCursor, type SearchOrder } from './cursor.js';
import type { Row, SqlExecutor } from './driver.js';
import { requestInvalid } from './errors.js';
import { pageStatement, subjectRange } from './search-sql.js';

export const MAX_PAGE_SIZE = 1000;

/**
 * Up to this many subjects in a prefix range are walked and sorted by id (measured on a
 * million rows: about 10 ms on either engine); a wider range walks the order index instead.
 */
export const SORTED_PREFIX_RANGE_MAX = 50_000;

function checkLimit(limit: number): void {
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE_SIZE) {
    throw requestInvalid(`limit must be an integer from 1 to ${MAX_PAGE_SIZE}`, { limit });
  }
}

/** Counts the prefix range from the (subject, id) index alone, stopping at the cap. */
async function isSmallPrefixRange(db: SqlExecutor, prefix: string | undefined): Promise<boolean> {
  if (prefix === undefined || prefix === '') return false;
  const range = subjectRange(prefix);
  const [row] = await db.all(
    `SELECT COUNT(*) AS n FROM (SELECT 1 FROM certificates WHERE ${range.sql} LIMIT ?) AS capped`, [...range.params, SORTED_PREFIX_RANGE_MAX]);
  return Number(row?.['n']) < SORTED_PREFIX_RANGE_MAX;
}

function nextCursor(rows: readonly Row[], limit: number, order: SearchOrder): string | null {
  const last = rows[limit - 1];
  if (rows.length <= limit || last === undefined) return null;
  return encodeCursor(order === 'newest' ? { order, id: num(last, 'id') } : { order, id: num(last, 'id'), notAfter: num(last, 'not_after') });
}

export async function searchCertificateRows(db: SqlExecutor, q: CertificateQuery): Promise<Page<CertificateRecord>> {
  checkLimit(q.limit);
  const order: SearchOrder = q.expiresBefore === undefined ? 'newest' : 'expiry';
  const cursor = q.cursor === undefined ? null : decodeCursor(q.cursor, order);
  // An exact subject or device id already narrows to a handful of rows.
  const narrowed = q.subject !== undefined || q.deviceId !== undefined;
  const sortSubjectRange = !narrowed && (await isSmallPrefixRange(db, q.subjectPrefix));
  const statement = pageStatement({ query: q, order, cursor, sortSubjectRange, rows: q.limit + 1 });
  const rows = await db.all(statement.sql, statement.params);
  return { items: rows.slice(0, q.limit).map(toCertificate), nextCursor: nextCursor(rows, q.limit, order) };
}
