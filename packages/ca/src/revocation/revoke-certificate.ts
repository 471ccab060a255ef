/**
 * Revoke one certificate by serial, or every certificate of a device:
 *   1. authorize   - certificate.revoke (admin, operator)
 *   2. parse       - serial or device id, reason (RFC 5280 5.3.1), invalidity date (5.3.2)
 *   3. record      - status, reason and audit event in one transaction (revoke-batch.ts)
 *   4. publish     - certificate.revoked, after the commit: OCSP and CRLs follow at once
 *   5. answer      - the record as it is now, or the refusal the outcome stands for
 * Revoking twice is CERTIFICATE_ALREADY_REVOKED: no second revocation event. Like every
 * refusal, the attempt itself is audited (outcome refused).
 */
import { ServiceError } from '../errors.js';
import type { CaDeps } from '../context.js';
import type { RevocationOutcome } from '../ports/revocation-store.js';
import type { Actor } from '../auth/permissions.js';
import { audited, authorize } from '../auth/authorize.js';
import { successEvent } from '../audit/audit-log.js';
import { caChain, normalizeSerial, type CertificateView } from '../query/queries.js';
import { parseRevokeInput, type RevokeInput } from './revocation-input.js';
import { revokeMatches, revokeSerials, type RevocationTally } from './revoke-batch.js';

const REFUSALS = {
  not_found: 'CERTIFICATE_NOT_FOUND', not_issued: 'CERTIFICATE_NOT_ISSUED', already_revoked: 'CERTIFICATE_ALREADY_REVOKED',
} as const satisfies Record<Exclude<RevocationOutcome, 'revoked'>, string>;

async function certificateView(deps: CaDeps, serial: string): Promise<CertificateView> {
  const record = await deps.store.getCertificate(serial);
  if (!record) throw new ServiceError('CERTIFICATE_NOT_FOUND', `no certificate with serial ${serial}`, { serial });
  return { record, chainDer: await caChain(deps, record.caName) };
}

async function refusal(deps: CaDeps, serial: string, outcome: Exclude<RevocationOutcome, 'revoked'>): Promise<ServiceError> {
  if (outcome !== 'already_revoked') return new ServiceError(REFUSALS[outcome], undefined, { serial });
  const record = await deps.store.getCertificate(serial);
  const since = record?.revokedAt ? ` since ${record.revokedAt.toISOString()}` : '';
  return new ServiceError('CERTIFICATE_ALREADY_REVOKED', `certificate ${serial} is revoked (${record?.revocationReason ?? 'unknown'})${since}`,
    { serial, reason: record?.revocationReason ?? null });
}

export async function revokeCertificate(deps: CaDeps, actor: Actor, serial: string, input: RevokeInput): Promise<CertificateView> {
  return audited(deps, actor, 'certificate.revoke', serial, async () => {
    // 1. authorize
    authorize(actor, 'certificate.revoke');
    // 2. parse
    const normalized = normalizeSerial(serial);
    const request = parseRevokeInput(input, deps.clock.now());
    // 3-4. record with its audit event, publish
    const [result] = await revokeSerials(deps, actor, [normalized], request);
    // 5. answer
    if (!result || result.outcome !== 'revoked') throw await refusal(deps, normalized, result?.outcome ?? 'not_found');
    return certificateView(deps, normalized);
  });
}

export interface DeviceRevocation extends RevocationTally {
  readonly deviceId: string;
}

/**
 * Every certificate of a device, whatever its status: issued ones are revoked, holds are
 * made final when the reason is final, the rest is counted. Nothing revoked at all is
 * CERTIFICATE_NOT_FOUND (no certificate for the device) or CERTIFICATE_ALREADY_REVOKED.
 */
export async function revokeDevice(deps: CaDeps, actor: Actor, deviceId: string, input: RevokeInput): Promise<DeviceRevocation> {
  return audited(deps, actor, 'device.revoke', deviceId, async () => {
    // 1. authorize
    authorize(actor, 'certificate.revoke');
    // 2. parse
    if (deviceId.length === 0 || deviceId.length > 128) throw new ServiceError('REQUEST_INVALID', 'deviceId: 1-128 characters');
    const request = parseRevokeInput(input, deps.clock.now());
    // 3-4. record and publish, a batch per transaction
    const tally = await revokeMatches(deps, actor, { deviceId }, request, { via: 'device' });
    // 5. answer: a summary event, or the refusal
    if (tally.revoked === 0) {
      const none = tally.alreadyRevoked === 0;
      throw new ServiceError(none ? 'CERTIFICATE_NOT_FOUND' : 'CERTIFICATE_ALREADY_REVOKED',
        none ? `no issued certificate for device ${deviceId}` : `every certificate of device ${deviceId} is already revoked`, { deviceId });
    }
    await deps.store.appendAudit([successEvent(deps.clock.now(), actor, 'device.revoke', deviceId, {
      reason: request.reason, revoked: tally.revoked, alreadyRevoked: tally.alreadyRevoked, notIssued: tally.notIssued,
    })]);
    return { deviceId, ...tally };
  });
}
