/**
 * A certificate that issues another one in the path: RFC 5280 6.1.4 (k) (a v3 certificate
 * with basicConstraints cA, so v1 and v2 certificates cannot be intermediates), (n) keyCertSign
 * when keyUsage is present, and the 4.2.1.2 / 4.1.2.6 MUSTs for CA certificates (a
 * subjectKeyIdentifier, a non-empty subject) that x509-limbo expects a
 * relying party to enforce, on the anchor's certificate too.
 */
import type { Certificate } from '../x509/certificate.js';
import { EXTENSION_OIDS } from '../x509/extensions/extension.js';
import { parseAuthorityKeyIdentifierFields } from '../x509/extensions/key-identifiers.js';
import type { CertInfo } from './cert-info.js';
import { type Problem, problem } from './codes.js';

export function checkCa(c: Certificate): Problem | null {
  if (c.version !== 3) return problem('NOT_A_CA', `a v${c.version} certificate cannot be a CA (RFC 5280 6.1.4 (k))`);
  const bc = c.basicConstraints;
  if (!bc?.cA) return problem('NOT_A_CA', bc ? 'basicConstraints cA is FALSE' : 'no basicConstraints');
  if (c.keyUsage && !c.keyUsage.includes('keyCertSign')) return problem('KEY_USAGE_INVALID', 'keyCertSign is not asserted');
  if (!c.subjectKeyIdentifier) return problem('CERT_MALFORMED', 'a CA certificate without subjectKeyIdentifier (RFC 5280 4.2.1.2)');
  if (c.subject.length === 0) return problem('CERT_MALFORMED', 'a CA certificate with an empty subject (RFC 5280 4.1.2.6)');
  return null;
}

/**
 * RFC 5280 4.2.1.9: CAs MUST mark basicConstraints critical. Enforced for the anchor's
 * certificate only (x509-limbo rfc5280::root-non-critical-basic-constraints): for
 * intermediates the 6.1 algorithm does not look at the flag and PKITS 4.6.4 expects a path
 * through a non-critical basicConstraints to validate.
 */
export function checkAnchorBasicConstraints(c: Certificate): Problem | null {
  if (c.extensions.find((e) => e.oid === EXTENSION_OIDS.basicConstraints)?.critical) return null;
  return problem('CERT_MALFORMED', 'a trust anchor certificate whose basicConstraints is not critical (RFC 5280 4.2.1.9)');
}

/**
 * A self-signed anchor may carry an AKI, but then only a keyIdentifier equal to its own SKI
 * (RFC 5280 4.2.1.1: the AKI identifies the signing key, here its own).
 */
export function checkSelfSignedAki(info: CertInfo): Problem | null {
  const c = info.cert;
  const aki = c.extensions.find((e) => e.oid === EXTENSION_OIDS.authorityKeyIdentifier);
  if (!aki || !info.selfIssued) return null;
  const f = parseAuthorityKeyIdentifierFields(aki.value);
  if (!f.keyIdentifier || f.hasAuthorityCertIssuer || f.hasAuthorityCertSerialNumber) {
    return problem('CERT_MALFORMED', 'a self-signed certificate whose authorityKeyIdentifier is not a bare keyIdentifier');
  }
  const ski = c.subjectKeyIdentifier;
  if (ski && Buffer.compare(ski, f.keyIdentifier) !== 0) return problem('CERT_MALFORMED', 'a self-signed certificate whose AKI differs from its SKI');
  return null;
}

/** RFC 5280 4.2.1.1: every certificate but a self-signed one carries an AKI keyIdentifier. */
export function checkHasAki(info: CertInfo): Problem | null {
  if (info.selfIssued || info.cert.authorityKeyIdentifier) return null;
  return problem('CERT_MALFORMED', 'no authorityKeyIdentifier keyIdentifier (RFC 5280 4.2.1.1)');
}
