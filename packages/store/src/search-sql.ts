/**
 * The SQL of one search page. Two choices keep every page cheap on a million rows:
 *
 * 1. Late row lookup. The inner query picks the page's ids, from indexes alone where it can;
 *    the outer one reads the wide rows (TBS and DER) for those ids only. A sort, when one is
 *    needed, then moves ids, not kilobytes per row.
 * 2. The route for a subject prefix. A prefix is a range on (subject, id), which cannot also
 *    give id order, so the planner must either walk that range and sort it, or walk the
 *    order index and filter. Neither engine weighs the LIMIT well: both pick the order
 *    walk, which reads almost the whole table when the matching rows are old (devices are
 *    numbered in issue order, so prefixes and age go together). The caller counts the
 *    range first (search.ts); a small range is walked and sorted, the unary + on the ORDER
 *    BY terms telling both engines not to use an index for the order.
 */
import type { CertificateQuery } from '@fleetpki/ca';
import { CERTIFICATE_COLUMNS } from './certificate-row.js';
import type { Cursor, SearchOrder } from './cursor.js';
import type { SqlValue } from './driver.js';
import { requestInvalid } from './errors.js';

export interface Statement { readonly sql: string; readonly params: readonly SqlValue[] }

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

/** `subject` in [prefix, upper bound): byte-wise, so only subjects that start with prefix. */
export function subjectRange(prefix: string): Statement {
  if (/\p{Cs}/u.test(prefix)) throw requestInvalid('subjectPrefix is not well-formed Unicode');
  const upper = prefixUpperBound(prefix);
  return upper === null ? { sql: 'subject >= ?', params: [prefix] } : { sql: 'subject >= ? AND subject < ?', params: [prefix, upper] };
}

function filters(q: CertificateQuery): { clauses: string[]; params: SqlValue[] } {
  const clauses: string[] = [];
  const params: SqlValue[] = [];
  const add = (clause: string, ...values: readonly SqlValue[]): void => { clauses.push(clause); params.push(...values); };
  if (q.caName !== undefined) add('ca_name = ?', q.caName);
  if (q.status !== undefined) add('status = ?', q.status);
  if (q.profile !== undefined) add('profile = ?', q.profile);
  if (q.subject !== undefined) add('subject = ?', q.subject);
  if (q.deviceId !== undefined) add('device_id = ?', q.deviceId);
  if (q.subjectPrefix !== undefined && q.subjectPrefix !== '') {
    const range = subjectRange(q.subjectPrefix);
    add(range.sql, ...range.params);
  }
  if (q.expiresBefore !== undefined) {
    const ms = q.expiresBefore.getTime();
    if (!Number.isFinite(ms)) throw requestInvalid('expiresBefore is not a valid instant');
    add('not_after < ?', ms);
  }
  return { clauses, params };
}

/** Rows after the cursor. A row-value comparison is one index range start on both engines
 *  (https://www.sqlite.org/rowvalue.html#scrolling_window_queries), unlike an OR of two. */
function afterCursor(c: Cursor): Statement {
  if (c.order === 'expiry') return { sql: '(not_after, id) > (?, ?)', params: [c.notAfter, c.id] };
  return c.order === 'newest' ? { sql: 'id < ?', params: [c.id] } : { sql: 'id > ?', params: [c.id] };
}

export interface PageRequest {
  readonly query: CertificateQuery;
  readonly order: SearchOrder;
  readonly cursor: Cursor | null;
  /** Walk the subject range and sort it (a small range), instead of walking the order. */
  readonly sortSubjectRange: boolean;
  readonly rows: number;
}

export function pageStatement(r: PageRequest): Statement {
  const { clauses, params } = filters(r.query);
  if (r.cursor !== null) {
    const after = afterCursor(r.cursor);
    clauses.push(after.sql);
    params.push(...after.params);
  }
  const where = clauses.length === 0 ? '' : ` WHERE ${clauses.join(' AND ')}`;
  const order = r.order === 'newest' ? 'id DESC' : 'not_after, id';
  const innerOrder = !r.sortSubjectRange ? order : r.order === 'newest' ? '+id DESC' : '+not_after, +id';
  const inner = `SELECT id FROM certificates${where} ORDER BY ${innerOrder} LIMIT ?`;
  return {
    sql: `SELECT id, ${CERTIFICATE_COLUMNS.join(', ')} FROM certificates WHERE id IN (${inner}) ORDER BY ${order}`,
    params: [...params, r.rows],
  };
}
