/**
 * One table for signature algorithms: name <-> OID <-> node:crypto parameters <-> the
 * AlgorithmIdentifier DER we write (RFC 5758 for ECDSA, RFC 8410 for Ed25519, RFC 4055
 * and RFC 8017 for RSA).
 */
import { PkiError } from '../errors.js';
import { explicit, nullValue, oid, sequence, smallInteger } from '../der/writer.js';

export type HashName = 'sha256' | 'sha384' | 'sha512';

export interface SignatureAlgorithm {
  readonly name: SignatureAlgorithmName;
  readonly oid: string;
  /** node:crypto digest name, null for pure EdDSA. */
  readonly hash: HashName | null;
  readonly keyAlgorithm: 'ec' | 'ed25519' | 'rsa';
  readonly pss: boolean;
}

const SIG = {
  'ecdsa-with-SHA256': { oid: '1.2.840.10045.4.3.2', hash: 'sha256', keyAlgorithm: 'ec', pss: false },
  'ecdsa-with-SHA384': { oid: '1.2.840.10045.4.3.3', hash: 'sha384', keyAlgorithm: 'ec', pss: false },
  'ecdsa-with-SHA512': { oid: '1.2.840.10045.4.3.4', hash: 'sha512', keyAlgorithm: 'ec', pss: false },
  'Ed25519': { oid: '1.3.101.112', hash: null, keyAlgorithm: 'ed25519', pss: false },
  'sha256WithRSAEncryption': { oid: '1.2.840.113549.1.1.11', hash: 'sha256', keyAlgorithm: 'rsa', pss: false },
  'sha384WithRSAEncryption': { oid: '1.2.840.113549.1.1.12', hash: 'sha384', keyAlgorithm: 'rsa', pss: false },
  'sha512WithRSAEncryption': { oid: '1.2.840.113549.1.1.13', hash: 'sha512', keyAlgorithm: 'rsa', pss: false },
  'RSASSA-PSS-SHA256': { oid: '1.2.840.113549.1.1.10', hash: 'sha256', keyAlgorithm: 'rsa', pss: true },
  'RSASSA-PSS-SHA384': { oid: '1.2.840.113549.1.1.10', hash: 'sha384', keyAlgorithm: 'rsa', pss: true },
  'RSASSA-PSS-SHA512': { oid: '1.2.840.113549.1.1.10', hash: 'sha512', keyAlgorithm: 'rsa', pss: true },
} as const satisfies Record<string, Omit<SignatureAlgorithm, 'name'>>;

export type SignatureAlgorithmName = keyof typeof SIG;
export const SIGNATURE_ALGORITHMS: Readonly<Record<SignatureAlgorithmName, SignatureAlgorithm>> = Object.freeze(
  Object.fromEntries(Object.entries(SIG).map(([name, v]) => [name, Object.freeze({ name, ...v })])),
) as Readonly<Record<SignatureAlgorithmName, SignatureAlgorithm>>;

/** Refused by name, with WEAK_ALGORITHM rather than UNSUPPORTED_ALGORITHM. */
export const WEAK_SIGNATURE_OIDS: Readonly<Record<string, string>> = {
  '1.2.840.113549.1.1.4': 'md5WithRSAEncryption',
  '1.2.840.113549.1.1.5': 'sha1WithRSAEncryption',
  '1.2.840.10045.4.1': 'ecdsa-with-SHA1',
  '1.2.840.10040.4.3': 'dsa-with-sha1',
  '1.3.14.3.2.29': 'sha1WithRSASignature',
};

export const HASH_OIDS: Readonly<Record<HashName, string>> = {
  sha256: '2.16.840.1.101.3.4.2.1', sha384: '2.16.840.1.101.3.4.2.2', sha512: '2.16.840.1.101.3.4.2.3',
};
export const HASH_LENGTH: Readonly<Record<HashName, number>> = { sha256: 32, sha384: 48, sha512: 64 };
export const ID_MGF1 = '1.2.840.113549.1.1.8';

/**
 * RSASSA-PSS-params (RFC 4055 3.1) as we write them: the hash, MGF1 with the same hash,
 * and a salt as long as the hash (RFC 8017 9.1 recommendation).
 *   RSASSA-PSS-params ::= SEQUENCE {
 *     hashAlgorithm [0] HashAlgorithm DEFAULT sha1, maskGenAlgorithm [1] MaskGenAlgorithm DEFAULT mgf1SHA1,
 *     saltLength [2] INTEGER DEFAULT 20, trailerField [3] TrailerField DEFAULT trailerFieldBC }
 */
function pssParams(hash: HashName): Buffer {
  const hashAlg = sequence(oid(HASH_OIDS[hash]), nullValue());
  return sequence(explicit(0, hashAlg), explicit(1, sequence(oid(ID_MGF1), hashAlg)), explicit(2, smallInteger(HASH_LENGTH[hash])));
}

const algIdCache = new Map<SignatureAlgorithmName, Buffer>();

/** AlgorithmIdentifier DER: ECDSA and Ed25519 omit parameters, PKCS#1 v1.5 has NULL (RFC 4055 5). */
export function algorithmIdentifier(name: SignatureAlgorithmName): Buffer {
  const hit = algIdCache.get(name);
  if (hit) return hit;
  const a = SIGNATURE_ALGORITHMS[name];
  const der = a.keyAlgorithm === 'rsa'
    ? sequence(oid(a.oid), a.pss ? pssParams(a.hash as HashName) : nullValue())
    : sequence(oid(a.oid));
  algIdCache.set(name, der);
  return der;
}

export function signatureAlgorithmByName(name: string): SignatureAlgorithm {
  const a = (SIGNATURE_ALGORITHMS as Record<string, SignatureAlgorithm>)[name];
  if (!a) throw new PkiError('UNSUPPORTED_ALGORITHM', `unknown signature algorithm ${name}`);
  return a;
}

/** The algorithm of an OID that carries no parameters (everything but PSS). */
export function signatureAlgorithmByOid(algOid: string): SignatureAlgorithm {
  const weak = WEAK_SIGNATURE_OIDS[algOid];
  if (weak) throw new PkiError('WEAK_ALGORITHM', `${weak} signatures are refused`, { detail: { oid: algOid } });
  for (const a of Object.values(SIGNATURE_ALGORITHMS)) if (a.oid === algOid && !a.pss) return a;
  throw new PkiError('UNSUPPORTED_ALGORITHM', `signature algorithm ${algOid} is not supported`, { detail: { oid: algOid } });
}
