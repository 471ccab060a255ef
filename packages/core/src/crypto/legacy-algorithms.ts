/**
 * Signature algorithms the path validator verifies only when its caller opts in with
 * `algorithms: 'legacy'` (decision 006): SHA-1 with RSA (RFC 3279 2.2.1), ECDSA (RFC 3279
 * 2.2.3) and DSA (RFC 3279 2.2.2), and DSA with SHA-224/256 (RFC 5758 3.1), for old
 * hierarchies and NIST PKITS 4.1.4-4.1.6. Kept out of SIGNATURE_ALGORITHMS on purpose: that
 * table is what the CA issues and accepts in CSRs, and it must not grow. MD5 stays refused.
 */
import { PkiError } from '../errors.js';
import { WEAK_SIGNATURE_OIDS } from './algorithms.js';

/**
 * Which signature algorithms verify. 'default': ECDSA P-256/P-384 with SHA-2, Ed25519, RSA
 * (PKCS#1 v1.5 and PSS) with SHA-2 and at least 2048 bits; SHA-1, MD5 and DSA are refused
 * (WEAK_ALGORITHM, UNSUPPORTED_ALGORITHM), right for a device PKI. 'legacy' adds SHA-1
 * signatures (RSA, ECDSA, DSA) and DSA keys of 1024 to 3072 bits, whose parameters may be
 * inherited from the issuer's key (RFC 3279 2.3.2, RFC 5280 6.1.4 (f)), for old hierarchies
 * and NIST PKITS 4.1.4-4.1.6 (decision 006). MD5 stays refused.
 */
export type AlgorithmPolicy = 'default' | 'legacy';

export interface LegacySignatureAlgorithm {
  readonly name: LegacySignatureAlgorithmName;
  readonly oid: string;
  /** node:crypto digest name. */
  readonly hash: 'sha1' | 'sha224' | 'sha256';
  readonly keyAlgorithm: 'rsa' | 'ec' | 'dsa';
  readonly pss: false;
  readonly legacy: true;
}

const LEGACY = {
  'sha1WithRSAEncryption': { oid: '1.2.840.113549.1.1.5', hash: 'sha1', keyAlgorithm: 'rsa' },
  'ecdsa-with-SHA1': { oid: '1.2.840.10045.4.1', hash: 'sha1', keyAlgorithm: 'ec' },
  'dsa-with-sha1': { oid: '1.2.840.10040.4.3', hash: 'sha1', keyAlgorithm: 'dsa' },
  'id-dsa-with-sha224': { oid: '2.16.840.1.101.3.4.3.1', hash: 'sha224', keyAlgorithm: 'dsa' },
  'id-dsa-with-sha256': { oid: '2.16.840.1.101.3.4.3.2', hash: 'sha256', keyAlgorithm: 'dsa' },
} as const satisfies Record<string, Omit<LegacySignatureAlgorithm, 'name' | 'pss' | 'legacy'>>;

export type LegacySignatureAlgorithmName = keyof typeof LEGACY;

export const LEGACY_SIGNATURE_ALGORITHMS: Readonly<Record<LegacySignatureAlgorithmName, LegacySignatureAlgorithm>> = Object.freeze(
  Object.fromEntries(Object.entries(LEGACY).map(([name, v]) => [name, Object.freeze({ name, ...v, pss: false, legacy: true })])),
) as Readonly<Record<LegacySignatureAlgorithmName, LegacySignatureAlgorithm>>;

/** The legacy algorithm of an OID, or null; `refused` is thrown for the weak ones with no legacy entry (MD5). */
export function legacySignatureAlgorithmByOid(algOid: string): LegacySignatureAlgorithm | null {
  for (const a of Object.values(LEGACY_SIGNATURE_ALGORITHMS)) if (a.oid === algOid) return a;
  const weak = WEAK_SIGNATURE_OIDS[algOid];
  if (weak) throw new PkiError('WEAK_ALGORITHM', `${weak} signatures are refused`, { detail: { oid: algOid } });
  return null;
}
