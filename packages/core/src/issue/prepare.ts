/**
 * prepare(): every check a certificate must pass, in fixed phases, then the TBS bytes.
 * Nothing is signed that did not come out of here (Boulder issuance.Prepare).
 *   1. key    - the key type is allowed by the profile (weak keys never parse)
 *   2. names  - subject attributes, SANs and the device id against the profile
 *   3. issuer - names within the issuer's name constraints (RFC 5280 4.2.1.10)
 *   4. time   - validity within the profile maximum, never past the issuer's notAfter
 *   5. build  - extensions and TBSCertificate DER
 */
import { PkiError } from '../errors.js';
import { algorithmIdentifier } from '../crypto/algorithms.js';
import { keyIdentifier, type PublicKeyInfo } from '../crypto/public-key.js';
import type { Profile } from '../profile/compile.js';
import { encodeAuthorityInfoAccess, encodeCrlDistributionPoints } from '../x509/extensions/distribution.js';
import { encodeExtension, EXTENSION_OIDS } from '../x509/extensions/extension.js';
import { encodeAuthorityKeyIdentifier, encodeSubjectKeyIdentifier } from '../x509/extensions/key-identifiers.js';
import { encodeNameConstraints, type NameConstraints } from '../x509/extensions/name-constraints.js';
import { encodeSubjectAltName } from '../x509/extensions/subject-alt-name.js';
import type { GeneralName } from '../x509/general-name.js';
import { findNameConstraintViolation } from '../x509/name-constraints-check.js';
import { encodeName, formatName, type Name } from '../x509/name.js';
import { formatGeneralName } from '../x509/general-name.js';
import type { IssuerContext } from './issuer.js';
import { buildSubjectAltNames, resolveDeviceId } from './subject-alt-names.js';
import { encodeTbs } from './tbs.js';

export interface IssuanceRequest {
  readonly publicKey: PublicKeyInfo;
  readonly subject: Name;
  readonly subjectAltNames: readonly GeneralName[];
  readonly deviceId?: string;
  readonly validitySeconds?: number;
  /** CA profiles only: constraints written into the new CA certificate. */
  readonly nameConstraints?: NameConstraints;
}

export interface PrepareContext {
  readonly now: Date;
  /** At least 64 bits from a CSPRNG, positive (RFC 5280 4.1.2.2, CA/B 7.1). */
  readonly serial: Uint8Array;
  /** The CRL distribution point of this certificate when CRLs are sharded (its shard's URL). */
  readonly crlDistributionPoints?: readonly string[];
}

/** The checked, to-be-signed certificate: single use (see issue.ts). */
export interface PreparedCertificate {
  readonly serial: string;
  readonly tbs: Uint8Array;
  readonly issuer: string;
  readonly profile: string;
  readonly signatureAlgorithm: IssuerContext['signatureAlgorithm'];
  readonly subject: string;
  readonly subjectAltNames: readonly GeneralName[];
  readonly deviceId: string | null;
  readonly notBefore: Date;
  readonly notAfter: Date;
}

function checkSubject(profile: Profile, subject: Name): void {
  for (const rdn of subject) {
    if (rdn.length !== 1) throw new PkiError('PROFILE_VIOLATION', 'multi-valued RDNs are not issued');
    const a = rdn[0]!;
    if (!profile.subjectAllowed.has(a.type)) {
      throw new PkiError('PROFILE_VIOLATION', `subject attribute ${a.type} is not allowed by profile ${profile.name}`, { detail: { attribute: a.type } });
    }
    if (a.value.trim() === '') throw new PkiError('PROFILE_VIOLATION', `subject attribute ${a.type} is empty`);
  }
  for (const r of profile.subjectRequired) {
    if (!subject.some((rdn) => rdn.some((a) => a.type === r))) {
      throw new PkiError('PROFILE_VIOLATION', `profile ${profile.name} requires subject ${r}`, { detail: { attribute: r } });
    }
  }
}

function validity(profile: Profile, issuer: IssuerContext, req: IssuanceRequest, now: Date): { notBefore: Date; notAfter: Date } {
  const seconds = req.validitySeconds ?? profile.defaultValiditySeconds;
  if (!Number.isInteger(seconds) || seconds <= 0 || seconds > profile.maxValiditySeconds) {
    throw new PkiError('VALIDITY_NOT_ALLOWED', `validity must be 1..${profile.maxValiditySeconds} seconds for profile ${profile.name}`,
      { detail: { requested: seconds, max: profile.maxValiditySeconds } });
  }
  const notBefore = new Date(Math.floor(now.getTime() / 1000) * 1000 - profile.backdateSeconds * 1000);
  let notAfter = new Date(Math.floor(now.getTime() / 1000) * 1000 + seconds * 1000);
  // A certificate never outlives its issuer (RFC 5280 6.1.3 would reject the path).
  if (issuer.notAfter && notAfter > issuer.notAfter) notAfter = issuer.notAfter;
  return { notBefore, notAfter };
}

function extensions(profile: Profile, issuer: IssuerContext, req: IssuanceRequest, sans: readonly GeneralName[], crl: readonly string[]): Buffer {
  const parts: Uint8Array[] = [profile.staticExtensions,
    encodeExtension(EXTENSION_OIDS.subjectKeyIdentifier, false, encodeSubjectKeyIdentifier(keyIdentifier(req.publicKey)))];
  if (issuer.keyId) parts.push(encodeExtension(EXTENSION_OIDS.authorityKeyIdentifier, false, encodeAuthorityKeyIdentifier(issuer.keyId)));
  // RFC 5280 4.2.1.6: critical when the subject is empty.
  if (sans.length) parts.push(encodeExtension(EXTENSION_OIDS.subjectAltName, req.subject.length === 0, encodeSubjectAltName(sans)));
  if (profile.crlDistributionPoints && crl.length) {
    parts.push(encodeExtension(EXTENSION_OIDS.crlDistributionPoints, false, encodeCrlDistributionPoints(crl)));
  }
  const ocsp = profile.noRevAvail ? [] : issuer.urls.ocsp;
  if (profile.authorityInfoAccess && (ocsp.length || issuer.urls.caIssuers.length)) {
    parts.push(encodeExtension(EXTENSION_OIDS.authorityInfoAccess, false, encodeAuthorityInfoAccess({ ocsp, caIssuers: issuer.urls.caIssuers })));
  }
  // RFC 5280 4.2.1.10: name constraints MUST be critical.
  if (profile.isCa && req.nameConstraints) parts.push(encodeExtension(EXTENSION_OIDS.nameConstraints, true, encodeNameConstraints(req.nameConstraints)));
  return Buffer.concat(parts);
}

export function prepare(profile: Profile, issuer: IssuerContext, req: IssuanceRequest, ctx: PrepareContext): PreparedCertificate {
  // 1. key
  if (!profile.keyTypes.has(req.publicKey.keyType)) {
    throw new PkiError('KEY_TYPE_NOT_ALLOWED', `profile ${profile.name} does not allow ${req.publicKey.keyType} keys`, { detail: { keyType: req.publicKey.keyType } });
  }
  if (req.nameConstraints && !profile.isCa) throw new PkiError('PROFILE_VIOLATION', 'name constraints only go into CA certificates');
  // 2. names
  checkSubject(profile, req.subject);
  const deviceId = resolveDeviceId(req.deviceId, req.subjectAltNames, req.subject, issuer.deviceIdUriPrefix);
  const sans = buildSubjectAltNames(profile, req.subjectAltNames, deviceId, issuer.deviceIdUriPrefix);
  if (req.subject.length === 0 && sans.length === 0) throw new PkiError('PROFILE_VIOLATION', 'a certificate needs a subject or a subject alternative name');
  // 3. issuer
  const violation = issuer.nameConstraints && findNameConstraintViolation(issuer.nameConstraints, req.subject, sans);
  if (violation) {
    throw new PkiError('NAME_CONSTRAINTS_VIOLATED', `${formatGeneralName(violation.name)} is outside the name constraints of CA ${issuer.name}`,
      { detail: { name: formatGeneralName(violation.name), reason: violation.reason } });
  }
  // 4. time
  const { notBefore, notAfter } = validity(profile, issuer, req, ctx.now);
  // 5. build
  const subjectDer = encodeName(req.subject);
  const tbs = encodeTbs({
    serial: ctx.serial, signatureAlgorithm: algorithmIdentifier(issuer.signatureAlgorithm),
    issuer: issuer.keyId === null ? subjectDer : issuer.subjectDer, notBefore, notAfter,
    subject: subjectDer, spki: req.publicKey.spki, extensions: extensions(profile, issuer, req, sans, ctx.crlDistributionPoints ?? issuer.urls.crl),
  });
  return Object.freeze({
    serial: Buffer.from(ctx.serial).toString('hex').replace(/^(00)+(?=.)/, ''), tbs, issuer: issuer.name, profile: profile.name,
    signatureAlgorithm: issuer.signatureAlgorithm, subject: formatName(req.subject), subjectAltNames: sans, deviceId, notBefore, notAfter,
  });
}
