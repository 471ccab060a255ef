/**
 * CRL processing for one certificate, RFC 5280 6.3.3 steps (a) to (j), with the
 * reasons_mask accumulated over the certificate's distribution points until all reasons
 * are covered or the certificate is found revoked.
 */
import { ALL_REASONS, type DistributionPoint, type DistributionPointName, parseCrlDistributionPoints } from '../../crl/distribution-points.js';
import { CRL_EXTENSION_OIDS } from '../../crl/extensions.js';
import type { KeyObject } from 'node:crypto';
import type { Certificate } from '../../x509/certificate.js';
import { EXTENSION_OIDS } from '../../x509/extensions/extension.js';
import type { GeneralName } from '../../x509/general-name.js';
import type { Name } from '../../x509/name.js';
import type { StoredCrl } from './crl-store.js';
import { anyNameMatches, directoryNames, nameEqual, serialKey } from './names.js';

export type CertStatus = 'unrevoked' | 'revoked' | 'undetermined';

export interface CrlCheckContext {
  readonly crls: readonly StoredCrl[];
  readonly pool: readonly Certificate[];
  readonly now: Date;
  /** 6.3.3 (f): whether a CRL signer outside the path validates (memoised by the caller). */
  readonly signerValid: (signer: Certificate) => boolean;
  /** The certificate being checked and its ancestors: their path is the one being validated. */
  readonly onPath: readonly Certificate[];
  /** A certificate's working public key (6.1.4 (d)-(f): DSA parameters may be inherited along the path). */
  readonly keyOf: (cert: Certificate) => KeyObject | null;
  /** Whether legacy signature algorithms (SHA-1, DSA) are accepted (VerifyPathInput.algorithms). */
  readonly legacy: boolean;
}

/** A certificate without cRLDistributionPoints has one implicit point: all reasons, issued by its issuer. */
const IMPLICIT_DP: DistributionPoint = { distributionPoint: null, reasons: null, cRLIssuer: null };

function distributionPoints(cert: Certificate): readonly DistributionPoint[] | null {
  const ext = cert.extensions.find((e) => e.oid === EXTENSION_OIDS.crlDistributionPoints);
  if (!ext) return [IMPLICIT_DP];
  try { return parseCrlDistributionPoints(ext.value); } catch { return null; }
}

/**
 * 5.1.2.4, 5.1.2.5, 5.2 and 5.3: in date, verifiable, and no critical extension we cannot
 * process. 5.2.3: a conforming CRL carries a non-critical cRLNumber; one without it (or with
 * it critical) is refused, as OpenSSL and x509-limbo's crl::crlnumber-* cases expect, since
 * without a number a delta cannot be placed against it.
 */
export function crlUsable(s: StoredCrl, now: Date, legacy: boolean): boolean {
  const c = s.crl;
  const number = c.extensions.find((e) => e.oid === CRL_EXTENSION_OIDS.cRLNumber);
  const alg = c.signatureAlgorithm;
  return c.thisUpdate.getTime() <= now.getTime() && (c.nextUpdate === null || now.getTime() <= c.nextUpdate.getTime())
    && c.unsupportedCriticalExtensions.length === 0 && alg !== null && (legacy || !('legacy' in alg.algorithm))
    && number !== undefined && !number.critical;
}

/** A DistributionPointName as GeneralNames: a relative name is appended to the name it is relative to. */
function dpNames(name: DistributionPointName, relativeTo: Name): readonly GeneralName[] {
  if (name.fullName) return name.fullName;
  return [{ type: 'dn', value: [...relativeTo, name.nameRelativeToCRLIssuer ?? []] }];
}

const isCa = (cert: Certificate): boolean => cert.basicConstraints?.cA === true;

/** 6.3.3 (b): the CRL's issuer and scope cover this certificate through this distribution point. */
function crlCoversDp(s: StoredCrl, cert: Certificate, dp: DistributionPoint): boolean {
  const scope = s.crl.scope;
  if (dp.cRLIssuer) {
    // (b)(1): an indirect CRL issued by the point's cRLIssuer.
    if (!scope?.indirectCRL || !directoryNames(dp.cRLIssuer).some((n) => nameEqual(n, s.issuer))) return false;
  } else if (!nameEqual(s.issuer, cert.issuer)) return false;
  if (!scope) return true;
  if (scope.distributionPoint) {
    // (b)(2)(i): a name of the IDP matches a name of the point, or of its cRLIssuer.
    const idp = dpNames(scope.distributionPoint, s.issuer);
    const dpRelativeTo = dp.cRLIssuer ? (directoryNames(dp.cRLIssuer)[0] ?? []) : cert.issuer;
    if (dp.distributionPoint) { if (!anyNameMatches(idp, dpNames(dp.distributionPoint, dpRelativeTo))) return false; }
    else if (!dp.cRLIssuer || !anyNameMatches(idp, dp.cRLIssuer)) return false;
  }
  // (b)(2)(ii) to (iv).
  if (scope.onlyContainsUserCerts && isCa(cert)) return false;
  if (scope.onlyContainsCACerts && !isCa(cert)) return false;
  return !scope.onlyContainsAttributeCerts;
}

const canSignCrls = (c: Certificate): boolean => c.keyUsage === null || c.keyUsage.includes('cRLSign');

function akiAllows(s: StoredCrl, c: Certificate): boolean {
  const aki = s.crl.authorityKeyIdentifier;
  return !aki || !c.subjectKeyIdentifier || Buffer.from(aki).equals(c.subjectKeyIdentifier);
}

/**
 * 6.3.3 (f): the CRL is signed by a key allowed to sign CRLs for its issuer name: the
 * certificate's issuer (already on the validated path) or a CRL signer from the pool whose
 * own path validates (PKITS 4.4.19 to 4.4.21: separate certificate and CRL keys). A signer
 * on the path being validated needs no second validation: that covers a cRLIssuer whose own
 * status is on the CRL it signs (PKITS 4.14.30), which would otherwise recurse forever.
 */
export function crlSigned(s: StoredCrl, issuer: Certificate, ctx: CrlCheckContext): boolean {
  const named = (c: Certificate): boolean => nameEqual(c.subject, s.issuer) && canSignCrls(c) && akiAllows(s, c);
  const verifiedBy = (c: Certificate): boolean => { const key = ctx.keyOf(c); return key !== null && s.verifiedBy(key); };
  if (named(issuer) && verifiedBy(issuer)) return true;
  return ctx.pool.some((c) => c !== issuer && named(c) && verifiedBy(c) && (onPath(ctx, c) || ctx.signerValid(c)));
}

const onPath = (ctx: CrlCheckContext, c: Certificate): boolean =>
  ctx.onPath.some((p) => p === c || Buffer.from(p.der).equals(c.der));

const sameBytes = (a: Uint8Array | null, b: Uint8Array | null): boolean =>
  a === b || (a !== null && b !== null && Buffer.from(a).equals(b));

/** 5.2.4 and 6.3.3 (c), (g): the newest usable delta CRL for this complete CRL, or null. */
function findDelta(complete: StoredCrl, issuer: Certificate, ctx: CrlCheckContext): StoredCrl | null {
  const number = complete.crl.crlNumber;
  if (number === null) return null;
  let best: StoredCrl | null = null;
  for (const d of ctx.crls) {
    const base = d.crl.baseCrlNumber;
    if (!d.isDelta || base === null || base > number || (d.crl.crlNumber !== null && d.crl.crlNumber <= number)) continue;
    if (!nameEqual(d.issuer, complete.issuer) || !sameBytes(d.crl.scopeDer, complete.crl.scopeDer)) continue;
    if (!sameBytes(d.crl.authorityKeyIdentifier, complete.crl.authorityKeyIdentifier)) continue;
    if (!crlUsable(d, ctx.now, ctx.legacy) || !crlSigned(d, issuer, ctx)) continue;
    if (!best || (d.crl.crlNumber ?? 0n) > (best.crl.crlNumber ?? 0n)) best = d;
  }
  return best;
}

/**
 * 6.3.3 (h), (i) and the end of 6.3.3: the delta wins; removeFromCRL lifts a hold;
 * certificateHold is revoked. An entry for this certificate that does not parse makes the
 * answer 'undetermined': the CRL (or its delta) cannot be used for it, as a CRL that does
 * not parse at all would not be.
 */
function statusOn(complete: StoredCrl, delta: StoredCrl | null, cert: Certificate): CertStatus {
  const serial = serialKey(cert);
  try {
    const hit = delta?.find(serial, cert.issuer) ?? complete.find(serial, cert.issuer);
    return hit && hit.reason !== 'removeFromCRL' ? 'revoked' : 'unrevoked';
  } catch {
    return 'undetermined';
  }
}

export function crlStatus(cert: Certificate, issuer: Certificate, ctx: CrlCheckContext): CertStatus {
  const dps = distributionPoints(cert);
  if (!dps) return 'undetermined';
  let reasonsMask = 0;
  for (const dp of dps) {
    for (const complete of ctx.crls) {
      if (reasonsMask === ALL_REASONS) break;
      if (complete.isDelta || !crlUsable(complete, ctx.now, ctx.legacy) || !crlCoversDp(complete, cert, dp)) continue;
      // (d), (e): this CRL must add reasons not yet covered.
      const interim = (complete.crl.scope?.onlySomeReasons ?? ALL_REASONS) & (dp.reasons ?? ALL_REASONS) & ALL_REASONS;
      if ((interim & ~reasonsMask) === 0 || !crlSigned(complete, issuer, ctx)) continue;
      const status = statusOn(complete, findDelta(complete, issuer, ctx), cert);
      if (status === 'revoked') return 'revoked';
      if (status === 'unrevoked') reasonsMask |= interim; // (j)
    }
  }
  return reasonsMask === ALL_REASONS ? 'unrevoked' : 'undetermined';
}
