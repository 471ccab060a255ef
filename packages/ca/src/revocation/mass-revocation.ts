/**
 * Revocation by query, in two calls (issue 3: "a dry run first; only a second, confirmed
 * call revokes").
 *
 * previewRevocation: authorize -> check the query -> count the matches, their devices and a
 * sample, as of now -> record the dry run under the SHA-256 of a fresh random token (valid
 * 15 minutes, audited) -> answer with the token.
 *
 * revokeByQuery:
 *   1. authorize; parse reason and invalidity date; check the query
 *   2. claim the dry run by its token, once (unknown, used or expired: CONFIRMATION_INVALID)
 *   3. the query must be the one previewed (else CONFIRMATION_INVALID)
 *   4. count again, limited to certificates issued by the dry run's instant: a different
 *      count means the set changed (some revoked meanwhile) and is refused as
 *      REVOCATION_PREVIEW_STALE; a new dry run shows the current set. Certificates issued
 *      after the dry run are never part of the run, so a busy CA does not make it stale.
 *   5. revoke in batches of 500, each batch its own transaction with one audit event per
 *      certificate, events published after each commit
 *   6. one summary event
 * A run cut short (a crash) leaves its batches revoked; a new dry run shows the rest.
 */
import { createHash } from 'node:crypto';
import { ServiceError } from '../errors.js';
import type { CaDeps } from '../context.js';
import type { CertificateRecord } from '../ports/store.js';
import type { RevocationQuery } from '../ports/revocation-store.js';
import type { Actor } from '../auth/permissions.js';
import { audited, authorize } from '../auth/authorize.js';
import { successEvent } from '../audit/audit-log.js';
import { boundedQuery, normalizeRevocationQuery, parseRevokeInput, queryKey, queryView, type RevokeInput } from './revocation-input.js';
import { revokeMatches, type RevocationTally } from './revoke-batch.js';

export const PREVIEW_TTL_SECONDS = 15 * 60;
export const PREVIEW_SAMPLE_SIZE = 10;
const TOKEN_PREFIX = 'fpr_';
const TOKEN_FORMAT = /^fpr_[A-Za-z0-9_-]{43}$/;

export interface RevocationPreview {
  /** The query as checked, with its defaults (status issued). */
  readonly query: RevocationQuery;
  readonly count: number;
  readonly devices: number;
  readonly sample: readonly CertificateRecord[];
  /** Certificates issued after this instant are not part of the run. */
  readonly asOf: Date;
  /** Present it, with the same query, to revokeByQuery. */
  readonly confirmation: string;
  readonly expiresAt: Date;
}

export interface MassRevocationInput extends RevokeInput {
  readonly query: RevocationQuery;
  readonly confirmation: string;
}

export interface MassRevocationResult extends RevocationTally {
  readonly query: RevocationQuery;
  readonly previewed: number;
}

const tokenHash = (token: string): string => createHash('sha256').update(token).digest('hex');
/** Names a dry run in audit events without revealing its token. */
const previewId = (hash: string): string => hash.slice(0, 16);

export async function previewRevocation(deps: CaDeps, actor: Actor, query: RevocationQuery): Promise<RevocationPreview> {
  return audited(deps, actor, 'revocation.preview', null, async () => {
    authorize(actor, 'certificate.revoke');
    const normalized = normalizeRevocationQuery(query);
    const asOf = deps.clock.now();
    const matches = await deps.store.previewRevocationQuery(boundedQuery(normalized, asOf), PREVIEW_SAMPLE_SIZE);
    const confirmation = `${TOKEN_PREFIX}${Buffer.from(deps.random.bytes(32)).toString('base64url')}`;
    const hash = tokenHash(confirmation);
    const expiresAt = new Date(asOf.getTime() + PREVIEW_TTL_SECONDS * 1000);
    await deps.store.saveRevocationPreview(
      { tokenHash: hash, query: queryKey(normalized), count: matches.count, devices: matches.devices, asOf, actor: actor.id, createdAt: asOf, expiresAt },
      [successEvent(asOf, actor, 'revocation.preview', previewId(hash), { query: queryView(normalized), count: matches.count, devices: matches.devices })],
    );
    return { query: normalized, count: matches.count, devices: matches.devices, sample: matches.sample, asOf, confirmation, expiresAt };
  });
}

function invalid(message: string): ServiceError {
  return new ServiceError('REVOCATION_CONFIRMATION_INVALID', message);
}

export async function revokeByQuery(deps: CaDeps, actor: Actor, input: MassRevocationInput): Promise<MassRevocationResult> {
  return audited(deps, actor, 'revocation.run', null, async () => {
    // 1. authorize and parse
    authorize(actor, 'certificate.revoke');
    const request = parseRevokeInput(input, deps.clock.now());
    const normalized = normalizeRevocationQuery(input.query);
    if (!TOKEN_FORMAT.test(input.confirmation)) throw invalid('the confirmation is not a dry-run token (fpr_...)');
    // 2. claim the dry run, once
    const hash = tokenHash(input.confirmation);
    const preview = await deps.store.claimRevocationPreview(hash, deps.clock.now());
    if (!preview) throw invalid('the confirmation is unknown, already used or expired: run the dry run again');
    // 3. the same query
    if (preview.query !== queryKey(normalized)) throw invalid('the query differs from the dry run of this confirmation');
    // 4. the same set
    const query = boundedQuery(normalized, preview.asOf);
    const current = await deps.store.previewRevocationQuery(query, 0);
    if (current.count !== preview.count) {
      throw new ServiceError('REVOCATION_PREVIEW_STALE', `the dry run matched ${preview.count} certificates, now ${current.count} match: run the dry run again`,
        { previewed: preview.count, now: current.count });
    }
    // 5. revoke, batch by batch
    const run = previewId(hash);
    const tally = await revokeMatches(deps, actor, query, request, { via: 'query', run });
    // 6. summary
    await deps.store.appendAudit([successEvent(deps.clock.now(), actor, 'revocation.run', run, {
      query: queryView(normalized), reason: request.reason, previewed: preview.count, revoked: tally.revoked,
      alreadyRevoked: tally.alreadyRevoked, notIssued: tally.notIssued, notFound: tally.notFound,
    })]);
    return { query: normalized, previewed: preview.count, ...tally };
  });
}
