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
 *  10. claim       - the one-time secret and the bootstrap use are spent atomically
 *  11. issue       - the issuance cycle (pipeline.ts); a failure gives the claims back
 *  12. provision   - device record created on first enrollment, linked to both certificates
 * Every outcome is audited with the group, device id and source; a refusal issues nothing.
 */
import { parseAndVerifyCsr, type Csr } from '@fleetpki/core';
import { ServiceError } from '../errors.js';
import type { CaDeps } from '../context.js';
import type { Actor } from '../auth/permissions.js';
import type { EnrollmentGroupRecord } from '../ports/enrollment-store.js';
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

export interface Claims { release(): Promise<void> }

/** Step 10: spend the secret and count the bootstrap use; both or neither. */
export async function claim(deps: CaDeps, group: EnrollmentGroupRecord, who: Authenticated, firstEnrollment: boolean): Promise<Claims> {
  const at = deps.clock.now();
  const undo: (() => Promise<void>)[] = [];
  const release = async () => { for (const u of undo.reverse()) await u(); };
  if (who.secretHash !== undefined) {
    const hash = who.secretHash;
    if (!(await deps.store.claimEnrollmentSecret(hash, at))) throw new ServiceError('ENROLLMENT_SECRET_USED', undefined, { deviceId: who.deviceId });
    undo.push(() => deps.store.releaseEnrollmentSecret(hash, at));
  }
  if (who.bootstrap && firstEnrollment) {
    const { sha256 } = who.bootstrap;
    const max = await bootstrapLimit(deps, group, sha256).catch(async (e: unknown) => { await release(); throw e; });
    if (!(await deps.store.claimBootstrapUse(sha256, group.label, max, at))) {
      await release();
      throw new ServiceError('BOOTSTRAP_ALREADY_USED', undefined, { serial: who.bootstrap.serial, uses: max });
    }
    undo.push(() => deps.store.releaseBootstrapUse(sha256));
  }
  return { release };
}

/** Issuing CA first, up to (not including) the root: what EST's enroll response carries besides the certificate. */
export const chainBelowRoot = (issuer: OnlineIssuer): Uint8Array[] => issuer.chainDer.slice(0, Math.max(1, issuer.chainDer.length - 1));

export async function parseRequestCsr(request: EnrollRequest): Promise<Csr> {
  return parseAndVerifyCsr(request.csrDer);
}

export type { IssuedResult };
