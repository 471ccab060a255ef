/**
 * enroll(): EST simpleenroll / simplereenroll / serverkeygen under an enrollment group.
 *   1. group       - the label names a group (ENROLLMENT_GROUP_NOT_FOUND)
 *   2. rate limit  - the group's token bucket (ENROLLMENT_RATE_LIMITED)
 *   3. authenticate- secret, bootstrap certificate, or current certificate (authenticate.ts)
 *   4. CSR         - parsed and its signature verified (RFC 2986 proof of possession)
 *   5. PoP linking - challengePassword = base64(TLS channel binding) when asked (RFC 7030 3.5)
 *   6. identity    - the CSR claims only this device; a re-enrollment keeps subject and SAN
 *   7. reuse       - the bootstrap certificate within the group's policy
 *   8. approval    - manual groups answer `pending` until an administrator decides
 *   9. webhook     - may refuse or add attributes
 *  10. claims      - the one-time secret unspent and the bootstrap use within policy (checked here,
 *                    so a replay is refused before anything is signed)
 *  11. issue       - the issuance cycle (pipeline.ts); its step-6 transaction spends the
 *                    secret, counts the bootstrap use, creates or extends the device record
 *                    with its links, deletes the approved request and audits the enrollment:
 *                    all of it with the issued certificate or none of it (crash-safe; a
 *                    claim lost to a concurrent enrollment leaves the certificate pending)
 * Every outcome is audited with the group, device id and source; a refusal issues nothing.
 */
import { parseAndVerifyCsr, type Csr } from '@fleetpki/core';
import { ServiceError } from '../errors.js';
import type { CaDeps } from '../context.js';
import type { Actor } from '../auth/permissions.js';
import type { EnrollmentCommit, EnrollmentGroupRecord } from '../ports/enrollment-store.js';
import type { OnlineIssuer } from '../issue/issuer-registry.js';
import type { IssuedResult } from '../issue/pipeline.js';
import type { Authenticated } from './authenticate.js';
import type { EnrollRequest } from './types.js';

export const deviceActor = (deviceId: string | null): Actor => ({ id: deviceId === null ? 'est' : `device:${deviceId}`, role: 'system' });

/** RFC 7030 3.5: the CSR's challengePassword carries the base64 channel binding of this TLS connection. */
export function checkChannelBinding(group: EnrollmentGroupRecord, csr: Csr, channelBinding: Uint8Array | null): void {
  if (!group.popLinking) return;
  const expected = channelBinding === null ? null : Buffer.from(channelBinding).toString('base64');
  if (expected === null || csr.challengePassword !== expected) {
    throw new ServiceError('CHANNEL_BINDING_MISMATCH', undefined, { channelBinding: expected === null ? 'absent' : 'present', challengePassword: csr.challengePassword === null ? 'absent' : 'present' });
  }
}

/** How many uses the claim may reach; `until-operational` also refuses while the device holds a valid certificate. */
export async function bootstrapLimit(deps: CaDeps, group: EnrollmentGroupRecord, sha256: string): Promise<number | null> {
  const policy = group.bootstrapReuse;
  if (policy.kind === 'once') return 1;
  if (policy.kind === 'times') return policy.times;
  const device = await deps.store.findDeviceByBootstrap(sha256);
  const now = deps.clock.now();
  for (const link of device?.links.filter((l) => l.role === 'operational') ?? []) {
    const c = await deps.store.getCertificate(link.serial);
    if (c && c.status === 'issued' && c.notAfter > now) {
      throw new ServiceError('BOOTSTRAP_ALREADY_USED', 'the device already holds a valid operational certificate', { serial: c.serial });
    }
  }
  return null;
}

/** Step 10: what the issuance's transaction will claim, checked now so that a replay signs nothing. */
export async function checkClaims(deps: CaDeps, group: EnrollmentGroupRecord, who: Authenticated, firstEnrollment: boolean): Promise<Pick<EnrollmentCommit, 'secretHash' | 'bootstrapUse'>> {
  // The secret was found unused by authenticate(); the issuance's transaction spends it.
  const secretHash = who.secretHash ?? null;
  if (!who.bootstrap || !firstEnrollment) return { secretHash, bootstrapUse: null };
  const { sha256, serial } = who.bootstrap;
  const max = await bootstrapLimit(deps, group, sha256);
  if (max !== null && (await deps.store.bootstrapUses(sha256)) >= max) throw new ServiceError('BOOTSTRAP_ALREADY_USED', undefined, { serial, uses: max });
  return { secretHash, bootstrapUse: { sha256, label: group.label, max } };
}

/** Issuing CA first, up to (not including) the root: what EST's enroll response carries besides the certificate. */
export const chainBelowRoot = (issuer: OnlineIssuer): Uint8Array[] => issuer.chainDer.slice(0, Math.max(1, issuer.chainDer.length - 1));

export async function parseRequestCsr(request: EnrollRequest): Promise<Csr> {
  return parseAndVerifyCsr(request.csrDer);
}

export type { IssuedResult };
