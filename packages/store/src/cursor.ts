/**
 * Keyset pagination cursors. A cursor names the last row of a page by its sort key, so the
 * next page starts right after it however many rows were added meanwhile (no OFFSET: its
 * cost grows with the page number). It is base64url JSON: opaque to clients, checked here.
 */
import { requestInvalid } from './errors.js';

/**
 * newest: id DESC. expiry: (not_after, id) ASC, used with expiresBefore. oldest: id ASC,
 * the issuance order mass revocation walks (revocation-query.ts).
 */
export type SearchOrder = 'newest' | 'expiry';
export type CursorOrder = SearchOrder | 'oldest';

export type Cursor =
  | { readonly order: 'newest' | 'oldest'; readonly id: number }
  | { readonly order: 'expiry'; readonly notAfter: number; readonly id: number };

export const encodeBody = (body: Readonly<Record<string, unknown>>): string => Buffer.from(JSON.stringify(body)).toString('base64url');

export function encodeCursor(c: Cursor): string {
  const body = c.order === 'expiry' ? { o: 'e', i: c.id, t: c.notAfter } : { o: c.order === 'newest' ? 'n' : 'o', i: c.id };
  return encodeBody(body);
}

/** The JSON object inside a cursor; REQUEST_INVALID for anything else. Other keysets (batches.ts) build on it. */
export function parseBody(text: string): Record<string, unknown> {
  try {
    const v: unknown = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
    if (typeof v === 'object' && v !== null && !Array.isArray(v)) return v as Record<string, unknown>;
  } catch {
    // reported below, as every other malformed cursor
  }
  throw requestInvalid('cursor is malformed');
}

/** The cursor must come from a query with the same order; anything else is refused. */
export function decodeCursor(text: string, order: CursorOrder): Cursor {
  const body = parseBody(text);
  const { o, i, t } = body;
  if (!Number.isSafeInteger(i)) throw requestInvalid('cursor is malformed');
  if (order === 'newest' && o === 'n') return { order, id: i as number };
  if (order === 'oldest' && o === 'o') return { order, id: i as number };
  if (order === 'expiry' && o === 'e' && Number.isSafeInteger(t)) return { order, id: i as number, notAfter: t as number };
  throw requestInvalid('cursor does not belong to this query');
}
