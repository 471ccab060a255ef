/**
 * Lift a hold (RFC 5280 5.3.1 certificateHold): the certificate is good again.
 *   1. authorize (certificate.revoke) and parse the serial
 *   2. record: status back to issued, the release kept for the next delta CRL
 *      (removeFromCRL), with its audit event, in one transaction
 *   3. publish certificate.hold_released after the commit
 * Only a hold can be lifted: anything else is CERTIFICATE_NOT_ON_HOLD.
 */
import { ServiceError } from '../errors.js';
import type { CaDeps } from '../context.js';
import type { Actor } from '../auth/permissions.js';
import { audited, authorize } from '../auth/authorize.js';
import { successEvent } from '../audit/audit-log.js';
import { caChain, normalizeSerial, type CertificateView } from '../query/queries.js';

export async function releaseHold(deps: CaDeps, actor: Actor, serial: string): Promise<CertificateView> {
  return audited(deps, actor, 'certificate.release_hold', serial, async () => {
    // 1. authorize and parse
    authorize(actor, 'certificate.revoke');
    const normalized = normalizeSerial(serial);
    // 2. record
    const now = deps.clock.now();
    const result = await deps.store.releaseHold(normalized, now, (r) => successEvent(now, actor, 'certificate.release_hold', r.serial, {
      ca: r.caName, deviceId: r.deviceId, heldSince: r.heldSince.toISOString(),
    }));
    if (result.outcome !== 'released') {
      throw result.outcome === 'not_found'
        ? new ServiceError('CERTIFICATE_NOT_FOUND', `no certificate with serial ${normalized}`, { serial: normalized })
        : new ServiceError('CERTIFICATE_NOT_ON_HOLD', `certificate ${normalized} is not on hold (certificateHold)`, { serial: normalized });
    }
    // 3. publish
    const r = result.release;
    deps.events.publish({ type: 'certificate.hold_released', serial: r.serial, caName: r.caName, deviceId: r.deviceId, crlShard: r.crlShard, releasedAt: r.releasedAt });
    const record = await deps.store.getCertificate(normalized);
    return { record: record!, chainDer: await caChain(deps, r.caName) };
  });
}
