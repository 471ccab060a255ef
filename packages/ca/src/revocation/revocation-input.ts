/**
 * Parsing what a revocation asks for, once, into checked values: the reason (RFC 5280
 * 5.3.1, through core's table), the invalidity date (5.3.2: a past instant), and the query
 * of a mass revocation with its canonical text (what a confirmation is bound to).
 */
import { canonicalJson, parseRevocationReason, type CrlReason } from '@fleetpki/core';
import { ServiceError } from '../errors.js';
import type { RevocationQuery } from '../ports/revocation-store.js';
import { checkAttributes } from '../issue/attributes.js';

export interface RevokeInput {
  /** An RFC 5280 reason name, e.g. keyCompromise; removeFromCRL is the CA's own. */
  readonly reason: string;
  /** When the key was, or may have been, compromised. */
  readonly invalidityDate?: Date;
}

export interface RevocationRequest {
  readonly reason: CrlReason;
  readonly invalidityDate: Date | null;
}

export function parseRevokeInput(input: RevokeInput, now: Date): RevocationRequest {
  const reason = parseRevocationReason(input.reason);
  if (input.invalidityDate === undefined) return { reason, invalidityDate: null };
  const ms = input.invalidityDate.getTime();
  // RFC 5280 5.3.2: the date on which the key is known or suspected to have been compromised.
  if (!Number.isFinite(ms) || ms > now.getTime()) {
    throw new ServiceError('INVALIDITY_DATE_INVALID', 'invalidityDate must be a valid instant, not in the future', { now: now.toISOString() });
  }
  return { reason, invalidityDate: input.invalidityDate };
}

/** Mass revocations select issued certificates unless the query names another status. */
export const DEFAULT_QUERY_STATUS = 'issued';

const SELECTORS = ['caName', 'profile', 'manufacturer', 'deviceId', 'attributes', 'issuedAfter', 'issuedBefore'] as const;

function checkText(name: string, value: string | undefined): void {
  if (value !== undefined && (value.length === 0 || value.length > 128)) throw new ServiceError('REQUEST_INVALID', `${name}: 1-128 characters`);
}

function checkInstant(name: string, value: Date | undefined): void {
  if (value !== undefined && !Number.isFinite(value.getTime())) throw new ServiceError('REQUEST_INVALID', `${name} is not a valid instant`);
}

/** Checks a query and fills its defaults; a query that selects nothing in particular is refused. */
export function normalizeRevocationQuery(q: RevocationQuery): RevocationQuery {
  for (const key of ['caName', 'profile', 'manufacturer', 'deviceId'] as const) checkText(key, q[key]);
  checkInstant('issuedAfter', q.issuedAfter);
  checkInstant('issuedBefore', q.issuedBefore);
  if (q.issuedAfter && q.issuedBefore && q.issuedAfter.getTime() >= q.issuedBefore.getTime()) {
    throw new ServiceError('REQUEST_INVALID', 'issuedAfter must be before issuedBefore');
  }
  const attributes = q.attributes === undefined ? {} : checkAttributes(q.attributes);
  const fields = { ...q, attributes: Object.keys(attributes).length > 0 ? attributes : undefined, status: q.status ?? DEFAULT_QUERY_STATUS };
  const normalized = Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)) as RevocationQuery;
  if (!SELECTORS.some((k) => normalized[k] !== undefined)) {
    throw new ServiceError('REQUEST_INVALID', `a mass revocation needs at least one of ${SELECTORS.join(', ')}`);
  }
  return Object.freeze(normalized);
}

/** The query as plain JSON (instants as ISO 8601), for audit details and responses. */
export function queryView(q: RevocationQuery): Record<string, unknown> {
  return {
    ...q, ...(q.issuedAfter ? { issuedAfter: q.issuedAfter.toISOString() } : {}), ...(q.issuedBefore ? { issuedBefore: q.issuedBefore.toISOString() } : {}),
  };
}

/** The canonical text of a normalized query: equal queries, equal text. */
export function queryKey(q: RevocationQuery): string {
  return canonicalJson(queryView(q));
}

/** The query a run executes: only certificates issued at or before the dry run (`asOf`). */
export function boundedQuery(q: RevocationQuery, asOf: Date): RevocationQuery {
  const limit = new Date(asOf.getTime() + 1);
  return { ...q, issuedBefore: q.issuedBefore && q.issuedBefore.getTime() < limit.getTime() ? q.issuedBefore : limit };
}
