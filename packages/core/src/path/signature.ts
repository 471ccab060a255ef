/**
 * RFC 5280 6.1.3 (a)(1): the certificate's signature verifies with the working public key
 * (its issuer's key). node:crypto verify with a cached KeyObject; the algorithm was parsed
 * (and SHA-1 / MD5 refused as WEAK_ALGORITHM) when the certificate was.
 */
import type { KeyType } from '../crypto/public-key.js';
import { verifySignature } from '../crypto/verify.js';
import { type CertInfo, keyObjectOf } from './cert-info.js';
import { type Problem, problem } from './codes.js';

const KEY_ALGORITHM: Readonly<Record<KeyType, 'ec' | 'ed25519' | 'rsa'>> = {
  'ecdsa-p256': 'ec', 'ecdsa-p384': 'ec', ed25519: 'ed25519', rsa: 'rsa',
};

export function checkSignature(child: CertInfo, issuer: CertInfo): Problem | null {
  const { algorithm, pss } = child.cert.signatureAlgorithm;
  if (KEY_ALGORITHM[issuer.cert.publicKey.keyType] !== algorithm.keyAlgorithm) {
    return problem('SIGNATURE_INVALID', `${algorithm.name} signature but the issuer holds a ${issuer.cert.publicKey.keyType} key`);
  }
  let key;
  try {
    key = keyObjectOf(issuer);
  } catch {
    return problem('CERT_MALFORMED', 'the issuer public key is invalid');
  }
  return verifySignature(algorithm, key, child.cert.tbs, child.cert.signature, pss) ? null : problem('SIGNATURE_INVALID');
}

/** Results per (issuer, child) pair for one verifyPath call, so backtracking never re-verifies. */
export class SignatureCache {
  private readonly results = new Map<CertInfo, Map<CertInfo, Problem | null>>();
  checks = 0;

  get(child: CertInfo, issuer: CertInfo): Problem | null | undefined {
    return this.results.get(child)?.get(issuer);
  }

  verify(child: CertInfo, issuer: CertInfo): Problem | null {
    this.checks++;
    const r = checkSignature(child, issuer);
    let m = this.results.get(child);
    if (!m) this.results.set(child, m = new Map());
    m.set(issuer, r);
    return r;
  }
}
