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

/**
 * Across calls, for CA certificates only: a gateway passes the same intermediate and anchor
 * objects to every validation, and a device's leaf changes every time. The issuing CA's
 * signature by the root (a P-384 verify, about 1 ms) is then checked once. Keyed by the
 * objects (collected with them), and checked against a private copy of the signed bytes and
 * the issuer key, so a caller that rewrote a buffer gets a fresh answer (input-memo.ts).
 */
interface CaSignature { readonly tbs: Buffer; readonly signature: Buffer; readonly issuerSpki: Buffer; readonly result: Problem | null }
const caSignatures = new WeakMap<Certificate, WeakMap<Certificate, CaSignature>>();

function rememberedCaSignature(child: CertInfo, issuer: CertInfo): Problem | null | undefined {
  const hit = caSignatures.get(child.cert)?.get(issuer.cert);
  const c = child.cert;
  if (!hit || !hit.signature.equals(c.signature) || !hit.tbs.equals(c.tbs) || !hit.issuerSpki.equals(issuer.cert.publicKey.spki)) return undefined;
  return hit.result;
}

function rememberCaSignature(child: CertInfo, issuer: CertInfo, result: Problem | null): void {
  let m = caSignatures.get(child.cert);
  if (!m) caSignatures.set(child.cert, m = new WeakMap());
  m.set(issuer.cert, { tbs: Buffer.from(child.cert.tbs), signature: Buffer.from(child.cert.signature), issuerSpki: Buffer.from(issuer.cert.publicKey.spki), result });
}

/** Results per (issuer, child) pair for one verifyPath call, so backtracking never re-verifies. */
export class SignatureCache {
  private readonly results = new Map<CertInfo, Map<CertInfo, Problem | null>>();
  checks = 0;

  constructor(readonly legacy = false) {}

  get(child: CertInfo, issuer: CertInfo): Problem | null | undefined {
    const r = this.results.get(child)?.get(issuer);
    if (r !== undefined || this.legacy || child.cert.basicConstraints?.cA !== true) return r;
    return rememberedCaSignature(child, issuer);
  }

  verify(child: CertInfo, issuer: CertInfo): Problem | null {
    this.checks++;
    const r = checkSignature(child, issuer, this.legacy);
    if (!this.legacy && child.cert.basicConstraints?.cA === true) rememberCaSignature(child, issuer, r);
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
