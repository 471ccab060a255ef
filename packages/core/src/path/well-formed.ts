/**
 * Profile rules of RFC 5280 section 4 that a validator can see in one certificate alone,
 * whatever its place in the path. x509-limbo's rfc5280:: cases expect a relying party to
 * refuse certificates that break these MUSTs.
 */
import { readRoot, sequenceOf } from '../der/reader.js';
import type { Certificate } from '../x509/certificate.js';
import { type Extension, EXTENSION_OIDS } from '../x509/extensions/extension.js';
import { type Problem, problem } from './codes.js';

const bytesEqual = (a: Uint8Array, b: Uint8Array): boolean => a.length === b.length && Buffer.compare(a, b) === 0;
const ext = (c: Certificate, oid: string): Extension | undefined => c.extensions.find((e) => e.oid === oid);
const malformed = (why: string): Problem => problem('CERT_MALFORMED', why);

/** 4.1.1.2 both signature fields equal; 4.1.2.1 / 4.1.2.8 / 4.1.2.9 version. */
function checkStructure(c: Certificate): Problem | null {
  if (!bytesEqual(c.tbsSignatureAlgorithmDer, c.signatureAlgorithmDer)) return malformed('signature and signatureAlgorithm differ');
  if (c.version < 3 && c.extensions.length) return malformed(`extensions in a v${c.version} certificate`);
  if (c.version < 2 && (c.issuerUniqueId || c.subjectUniqueId)) return malformed('unique identifiers in a v1 certificate');
  if (c.issuer.length === 0) return malformed('empty issuer');
  return null;
}

/**
 * 4.1.2.2: serial numbers are positive. Checked for the leaf and intermediates, not for an
 * anchor: some long-trusted roots have serial 0, and an anchor is trusted by configuration.
 */
export function checkSerial(c: Certificate): Problem | null {
  const s = c.serialDer;
  if (((s[0] as number) & 0x80) !== 0) return malformed('negative serialNumber');
  if (s.length === 1 && s[0] === 0) return malformed('serialNumber is zero');
  return null;
}

/** Criticality the RFC fixes: 4.2.1.1 AKI, 4.2.1.2 SKI and 4.2.2.1 AIA non-critical; 4.2.1.10 NC critical. */
function checkCriticality(c: Certificate): Problem | null {
  for (const e of c.extensions) {
    if (!e.critical) continue;
    if (e.oid === EXTENSION_OIDS.authorityKeyIdentifier || e.oid === EXTENSION_OIDS.subjectKeyIdentifier
      || e.oid === EXTENSION_OIDS.authorityInfoAccess) return malformed(`extension ${e.oid} must not be critical`);
  }
  // 4.2.1.10: "Conforming CAs MUST mark this extension as critical"; a relying party that
  // ignored the constraints of a non-critical copy would be silently unconstrained.
  const nc = ext(c, EXTENSION_OIDS.nameConstraints);
  if (nc && !nc.critical) return malformed('nameConstraints must be critical');
  // (4.2.1.11 says the same of policyConstraints, but PKITS 4.12.7 and 4.12.9 expect paths
  // through a non-critical one to validate: not enforced.)
  // 4.2.1.6: with an empty subject the subjectAltName MUST be present and critical.
  if (c.subject.length === 0) {
    const san = ext(c, EXTENSION_OIDS.subjectAltName);
    if (!san || !san.critical) return malformed('empty subject without a critical subjectAltName');
  }
  return null;
}

/** 4.2.2.1: AuthorityInfoAccessSyntax ::= SEQUENCE SIZE (1..MAX) OF AccessDescription. */
function checkAia(c: Certificate): Problem | null {
  const aia = ext(c, EXTENSION_OIDS.authorityInfoAccess);
  if (!aia) return null;
  try {
    for (const ad of sequenceOf(readRoot(aia.value), 'AuthorityInfoAccessSyntax', 1)) sequenceOf(ad, 'AccessDescription', 2, 2);
    return null;
  } catch {
    return malformed('malformed authorityInfoAccess');
  }
}

/**
 * 4.2.1.3 / 4.2.1.9: keyCertSign asserted requires cA; a CA key that may not sign certificates
 * is inconsistent; 4.2.1.10: name constraints only in CA certificates.
 */
function checkCaConsistency(c: Certificate): Problem | null {
  const cA = c.basicConstraints?.cA === true;
  const certSign = c.keyUsage?.includes('keyCertSign') ?? false;
  if (certSign && !cA) return problem('KEY_USAGE_INVALID', 'keyCertSign without basicConstraints cA');
  if (cA && c.keyUsage && !certSign) return problem('KEY_USAGE_INVALID', 'a CA certificate whose keyUsage lacks keyCertSign');
  if (c.basicConstraints?.pathLenConstraint != null && !cA) return malformed('pathLenConstraint without cA');
  if (!cA && c.nameConstraints) return malformed('nameConstraints in an end-entity certificate');
  return null;
}

/** RSA moduli that are not a whole number of octets are refused (as webpki and CABF do). */
function checkKey(c: Certificate): Problem | null {
  const k = c.publicKey;
  return k.keyType === 'rsa' && k.bits % 8 !== 0 ? problem('WEAK_KEY', `RSA modulus of ${k.bits} bits`) : null;
}

const CHECKS = [checkStructure, checkCriticality, checkAia, checkCaConsistency, checkKey];

export function checkWellFormed(c: Certificate): Problem | null {
  for (const check of CHECKS) {
    const p = check(c);
    if (p) return p;
  }
  return null;
}
