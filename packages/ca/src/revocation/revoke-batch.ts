/**
 * The revocation step every revoke use case shares (DESIGN.md flow 2):
 *   record status and reason -> audit (same transaction) -> event (after the commit).
 * revokeSerials does it for one batch; revokeMatches walks a query in batches, each its own
 * transaction, so a million certificates never sit in one transaction or in memory.
 */
import type { CaDeps } from '../context.js';
import type { DomainEvent } from '../ports/events.js';
import type { RevocationQuery, RevocationResult, RevokedCertificate } from '../ports/revocation-store.js';
import type { Actor } from '../auth/permissions.js';
import { successEvent } from '../audit/audit-log.js';
import type { RevocationRequest } from './revocation-input.js';

/** Certificates revoked per transaction when walking a query. */
export const REVOCATION_BATCH = 500;
/** Revoked serials a walk reports back (a device has a handful; a mass run reports counts). */
const REPORTED_SERIALS_MAX = 1000;

export function revokedEvent(c: RevokedCertificate): DomainEvent {
  return {
    type: 'certificate.revoked', serial: c.serial, caName: c.caName, deviceId: c.deviceId, crlShard: c.crlShard,
    reason: c.reason, revokedAt: c.revokedAt, invalidityDate: c.invalidityDate,
  };
}

function auditDetail(c: RevokedCertificate, context: Readonly<Record<string, unknown>>): Record<string, unknown> {
  return {
    ca: c.caName, deviceId: c.deviceId, reason: c.reason, invalidityDate: c.invalidityDate?.toISOString() ?? null,
    ...(c.previousReason !== null ? { previousReason: c.previousReason } : {}), ...context,
  };
}

/** One transaction: revokes `serials`, audits each certificate revoked, then publishes. */
export async function revokeSerials(
  deps: CaDeps, actor: Actor, serials: readonly string[], request: RevocationRequest, context: Readonly<Record<string, unknown>> = {},
): Promise<RevocationResult[]> {
  const now = deps.clock.now();
  const results = await deps.store.revokeCertificates(
    serials.map((serial) => ({ serial, reason: request.reason, revokedAt: now, invalidityDate: request.invalidityDate })),
    (c) => successEvent(now, actor, 'certificate.revoke', c.serial, auditDetail(c, context)),
  );
  for (const r of results) if (r.outcome === 'revoked') deps.events.publish(revokedEvent(r.certificate));
  return results;
}

export interface RevocationTally {
  revoked: number;
  alreadyRevoked: number;
  notIssued: number;
  notFound: number;
  batches: number;
  /** The first revoked serials, up to 1,000. */
  readonly serials: string[];
}

function count(tally: RevocationTally, results: readonly RevocationResult[]): void {
  for (const r of results) {
    if (r.outcome === 'revoked') {
      tally.revoked++;
      if (tally.serials.length < REPORTED_SERIALS_MAX) tally.serials.push(r.serial);
    } else if (r.outcome === 'already_revoked') tally.alreadyRevoked++;
    else if (r.outcome === 'not_issued') tally.notIssued++;
    else tally.notFound++;
  }
}

/** Walks `query` in issuance order, revoking each page in its own transaction. */
export async function revokeMatches(
  deps: CaDeps, actor: Actor, query: RevocationQuery, request: RevocationRequest, context: Readonly<Record<string, unknown>>,
): Promise<RevocationTally> {
  const tally: RevocationTally = { revoked: 0, alreadyRevoked: 0, notIssued: 0, notFound: 0, batches: 0, serials: [] };
  for (let cursor: string | undefined; ;) {
    const page = await deps.store.pageRevocationQuery(query, { limit: REVOCATION_BATCH, ...(cursor !== undefined ? { cursor } : {}) });
    if (page.items.length > 0) {
      count(tally, await revokeSerials(deps, actor, page.items, request, context));
      tally.batches++;
    }
    if (page.nextCursor === null) return tally;
    cursor = page.nextCursor;
  }
}
