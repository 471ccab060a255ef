/**
 * RFC 5280 6.1.3 (a)(1): the certificate's signature verifies with the working public key
 * (its issuer's key). node:crypto verify with a cached KeyObject. Under the default
 * algorithm policy a legacy signature (SHA-1) is WEAK_ALGORITHM and a DSA issuer key
 * UNSUPPORTED_ALGORITHM, as when such a certificate is parsed; 'legacy' verifies both.
 */
import type { KeyObject } from 'node:crypto';
import { verifySignature } from '../crypto/verify.js';
import type { Certificate } from '../x509/certificate.js';
import { type CertInfo, keyObjectOf } from './cert-info.js';
import { type Problem, problem } from './codes.js';

const KEY_ALGORITHM: Readonly<Record<Certificate['publicKey']['keyType'], 'ec' | 'ed25519' | 'rsa' | 'dsa'>> = {
  'ecdsa-p256': 'ec', 'ecdsa-p384': 'ec', ed25519: 'ed25519', rsa: 'rsa', dsa: 'dsa',
};

/** What the default policy refuses in a certificate given already parsed (the parser refuses it in DER). */
export function refusedByDefault(c: Certificate): Problem | null {
  if (c.publicKey.keyType === 'dsa') return problem('UNSUPPORTED_ALGORITHM', 'DSA keys are verified only with algorithms: legacy');
  if ('legacy' in c.signatureAlgorithm.algorithm) return problem('WEAK_ALGORITHM', `${c.signatureAlgorithm.algorithm.name} signatures are verified only with algorithms: legacy`);
  return null;
}

/** `key`: the issuer's working public key when it differs from its own (inherited DSA parameters). */
export function checkSignature(child: CertInfo, issuer: CertInfo, legacy: boolean, key?: KeyObject | null): Problem | null {
  const { algorithm, pss } = child.cert.signatureAlgorithm;
  if (!legacy) {
    const refused = refusedByDefault(child.cert) ?? refusedByDefault(issuer.cert);
    if (refused) return refused;
  }
  if (KEY_ALGORITHM[issuer.cert.publicKey.keyType] !== algorithm.keyAlgorithm) {
    return problem('SIGNATURE_INVALID', `${algorithm.name} signature but the issuer holds a ${issuer.cert.publicKey.keyType} key`);
  }
  if (key === null) return problem('SIGNATURE_INVALID', 'the issuer\'s DSA key has no parameters to inherit (RFC 5280 6.1.4 (f))');
  try {
    key ??= keyObjectOf(issuer);
  } catch {
    return problem('CERT_MALFORMED', 'the issuer public key is invalid');
  }
  return verifySignature(algorithm, key, child.cert.tbs, child.cert.signature, pss) ? null : problem('SIGNATURE_INVALID');
}

/** Results per (issuer, child) pair for one verifyPath call, so backtracking never re-verifies. */
export class SignatureCache {
  private readonly results = new Map<CertInfo, Map<CertInfo, Problem | null>>();
  checks = 0;

  constructor(readonly legacy = false) {}

  get(child: CertInfo, issuer: CertInfo): Problem | null | undefined {
    return this.results.get(child)?.get(issuer);
  }

  verify(child: CertInfo, issuer: CertInfo): Problem | null {
    this.checks++;
    const r = checkSignature(child, issuer, this.legacy);
    let m = this.results.get(child);
    if (!m) this.results.set(child, m = new Map());
    m.set(issuer, r);
    return r;
  }

  /** With an inherited working key: not cached, the key depends on the rest of the path. */
  verifyWithKey(child: CertInfo, issuer: CertInfo, key: KeyObject | null): Problem | null {
    this.checks++;
    return checkSignature(child, issuer, this.legacy, key);
  }
}
