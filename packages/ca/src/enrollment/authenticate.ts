/**
 * Who is enrolling: an enrollment secret (HTTP Basic, username = device id), a bootstrap
 * certificate (IDevID or factory certificate chaining to one of the group's anchors), or,
 * for simplereenroll, the device's current operational certificate (RFC 7030 3.3.2, 4.2.2).
 */
import { certificateSha256, parseCertificate, verifyPath, type Certificate } from '@fleetpki/core';
import { createHash } from 'node:crypto';
import { ServiceError } from '../errors.js';
import type { CaDeps } from '../context.js';
import type { EnrollmentGroupRecord } from '../ports/enrollment-store.js';
import type { EnrollRequest } from './types.js';
import { checkDeviceIdAllowed, deviceIdOfCertificate } from './identity.js';

export interface Authenticated {
  readonly deviceId: string;
  readonly via: 'secret' | 'bootstrap' | 'operational';
  /** The secret to spend on issuance. */
  readonly secretHash?: string;
  /** The bootstrap certificate to link (and count, on a first enrollment). */
  readonly bootstrap?: { readonly serial: string; readonly sha256: string };
  /** The certificate a re-enrollment must keep the identity of. */
  readonly current?: Certificate;
}

export const hashSecret = (secret: string): string => createHash('sha256').update(secret, 'utf8').digest('hex');

async function bySecret(deps: CaDeps, group: EnrollmentGroupRecord, deviceId: string, secret: string): Promise<Authenticated> {
  const secretHash = hashSecret(secret);
  const record = await deps.store.getEnrollmentSecret(secretHash);
  if (!record || record.label !== group.label || record.deviceId !== deviceId) {
    throw new ServiceError('ENROLLMENT_SECRET_INVALID', undefined, { deviceId });
  }
  if (record.usedAt !== null) throw new ServiceError('ENROLLMENT_SECRET_USED', undefined, { deviceId, usedAt: record.usedAt.toISOString() });
  return { deviceId: checkDeviceIdAllowed(group, deviceId), via: 'secret', secretHash };
}

/** Any certificate of the path that we issued and then revoked (a bootstrap, or a manufacturer CA of ours). */
async function revokedInPath(deps: CaDeps, path: readonly Certificate[]): Promise<string | null> {
  for (const c of path) {
    const record = await deps.store.getCertificate(c.serial);
    if (record && record.sha256 === certificateSha256(c.der) && record.status === 'revoked') return c.serial;
  }
  return null;
}

/** The bootstrap leaf, verified against the group's anchors (RFC 5280 6), unrevoked. */
export async function verifyBootstrap(deps: CaDeps, group: EnrollmentGroupRecord, chain: readonly Uint8Array[]): Promise<Certificate> {
  const [leaf, ...intermediates] = chain;
  if (!leaf) throw new ServiceError('ENROLLMENT_UNAUTHENTICATED', 'the client sent no certificate');
  const anchors = group.anchorsDer.map((der) => ({ kind: 'certificate' as const, certificate: parseCertificate(der) }));
  const result = verifyPath({ leaf, intermediates, anchors, now: deps.clock.now(), usage: 'clientAuth' });
  if (!result.ok) {
    const expired = result.code === 'CERT_EXPIRED' || result.code === 'CERT_NOT_YET_VALID';
    throw new ServiceError(expired ? 'BOOTSTRAP_EXPIRED' : 'BOOTSTRAP_UNTRUSTED', undefined, { pathCode: result.code, pathMessage: result.message });
  }
  const revoked = await revokedInPath(deps, result.path);
  if (revoked !== null) throw new ServiceError('BOOTSTRAP_REVOKED', undefined, { serial: revoked });
  return result.path[0] as Certificate;
}

async function byBootstrap(deps: CaDeps, group: EnrollmentGroupRecord, chain: readonly Uint8Array[]): Promise<Authenticated> {
  const leaf = await verifyBootstrap(deps, group, chain);
  const deviceId = checkDeviceIdAllowed(group, deviceIdOfCertificate(leaf));
  return { deviceId, via: 'bootstrap', bootstrap: { serial: leaf.serial, sha256: certificateSha256(leaf.der) } };
}

/**
 * The operational certificate of a device of this group: one we recorded under the
 * group's CA (else OPERATIONAL_CERTIFICATE_UNKNOWN, and a bootstrap certificate may stand
 * in), then verified to that CA (expiry included), not revoked.
 */
async function byOperational(deps: CaDeps, group: EnrollmentGroupRecord, caCertificate: Certificate, chain: readonly Uint8Array[]): Promise<Authenticated> {
  const [leaf] = chain;
  if (!leaf) throw new ServiceError('ENROLLMENT_UNAUTHENTICATED', 'the client sent no certificate');
  const cert = parseCertificate(leaf);
  const record = await deps.store.getCertificate(cert.serial);
  const device = record?.deviceId ? await deps.store.getDevice(record.deviceId) : null;
  if (!record || record.sha256 !== certificateSha256(cert.der) || record.caName !== group.caName || !device || device.label !== group.label) {
    throw new ServiceError('OPERATIONAL_CERTIFICATE_UNKNOWN', undefined, { serial: cert.serial });
  }
  const result = verifyPath({ leaf: cert, intermediates: [], anchors: [{ kind: 'certificate', certificate: caCertificate }], now: deps.clock.now(), usage: 'clientAuth' });
  if (!result.ok) {
    throw new ServiceError(result.code === 'CERT_EXPIRED' ? 'OPERATIONAL_CERTIFICATE_EXPIRED' : 'OPERATIONAL_CERTIFICATE_UNKNOWN', undefined, { pathCode: result.code });
  }
  if (record.status === 'revoked') throw new ServiceError('OPERATIONAL_CERTIFICATE_REVOKED', undefined, { serial: cert.serial });
  return { deviceId: device.deviceId, via: 'operational', current: cert };
}

/**
 * simplereenroll by a device whose operational certificate expired, where the group allows
 * it: the bootstrap certificate it first enrolled with stands in, and the identity kept is
 * that of its latest operational certificate, which must be expired (not revoked, not valid).
 */
async function byBootstrapFallback(deps: CaDeps, group: EnrollmentGroupRecord, chain: readonly Uint8Array[]): Promise<Authenticated> {
  const leaf = await verifyBootstrap(deps, group, chain);
  const sha256 = certificateSha256(leaf.der);
  const device = await deps.store.findDeviceByBootstrap(sha256);
  const latest = device?.links.filter((l) => l.role === 'operational').at(-1);
  const record = latest ? await deps.store.getCertificate(latest.serial) : null;
  if (!device || device.label !== group.label || !record?.der) throw new ServiceError('OPERATIONAL_CERTIFICATE_UNKNOWN', 'no device enrolled with this bootstrap certificate');
  if (record.status === 'revoked') throw new ServiceError('OPERATIONAL_CERTIFICATE_REVOKED', undefined, { serial: record.serial });
  if (record.notAfter > deps.clock.now()) {
    throw new ServiceError('OPERATIONAL_CERTIFICATE_UNKNOWN', 'the device holds a valid operational certificate: re-enroll with it', { serial: record.serial });
  }
  return { deviceId: device.deviceId, via: 'bootstrap', bootstrap: { serial: leaf.serial, sha256 }, current: parseCertificate(record.der) };
}

export async function authenticate(deps: CaDeps, group: EnrollmentGroupRecord, caCertificate: Certificate, request: EnrollRequest): Promise<Authenticated> {
  const { auth } = request;
  if (request.operation === 'simplereenroll') {
    if (auth.kind !== 'certificate') throw new ServiceError('ENROLLMENT_UNAUTHENTICATED', 're-enrollment needs the current certificate over TLS');
    try {
      return await byOperational(deps, group, caCertificate, auth.chain);
    } catch (e) {
      // Only a certificate that is none of our operational ones may be the bootstrap one.
      const fallback = e instanceof ServiceError && e.code === 'OPERATIONAL_CERTIFICATE_UNKNOWN' && !('pathCode' in (e.detail ?? {}));
      if (!fallback || !group.reenrollWithBootstrap) throw e;
      // A certificate that is no bootstrap either keeps the first, more telling, refusal.
      return await byBootstrapFallback(deps, group, auth.chain).catch((f: unknown) => {
        throw f instanceof ServiceError && f.code === 'BOOTSTRAP_UNTRUSTED' ? e : f;
      });
    }
  }
  if (auth.kind === 'secret') return bySecret(deps, group, auth.deviceId, auth.secret);
  if (auth.kind === 'certificate') return byBootstrap(deps, group, auth.chain);
  throw new ServiceError('ENROLLMENT_UNAUTHENTICATED');
}
