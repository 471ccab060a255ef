/**
 *   AlgorithmIdentifier ::= SEQUENCE { algorithm OBJECT IDENTIFIER, parameters ANY OPTIONAL }
 * for signatures: parameters absent for ECDSA/EdDSA (RFC 5758 3.2, RFC 8410 3), NULL for
 * PKCS#1 v1.5 (RFC 4055 5), RSASSA-PSS-params for PSS (RFC 4055 3.1).
 */
import { PkiError } from '../errors.js';
import { children, content, readOid, readSmallInteger, sequenceOf, type Tlv } from '../der/reader.js';
import { TAG } from '../der/writer.js';
import { HASH_OIDS, type HashName, ID_MGF1, SIGNATURE_ALGORITHMS, type SignatureAlgorithm, signatureAlgorithmByOid } from './algorithms.js';
import { type LegacySignatureAlgorithm, legacySignatureAlgorithmByOid } from './legacy-algorithms.js';
import type { PssParameters } from './verify.js';

const OID_PSS = '1.2.840.113549.1.1.10';
const HASH_BY_OID = new Map(Object.entries(HASH_OIDS).map(([k, v]) => [v, k as HashName]));

function hashOf(t: Tlv | undefined, what: string): HashName {
  const [h] = sequenceOf(t, what, 1, 2);
  const name = HASH_BY_OID.get(readOid(h));
  if (!name) throw new PkiError('WEAK_ALGORITHM', `${what}: only SHA-2 hashes are accepted for RSASSA-PSS`);
  return name;
}

function parsePss(params: Tlv | undefined): PssParameters {
  if (!params) throw new PkiError('WEAK_ALGORITHM', 'RSASSA-PSS without parameters defaults to SHA-1');
  let hash: HashName | undefined;
  let mgfHash: HashName | undefined;
  let saltLength = 20;
  for (const f of sequenceOf(params, 'RSASSA-PSS-params', 0, 4)) {
    const [inner, extra] = children(f);
    if (!inner || extra) throw new PkiError('BAD_DER', 'RSASSA-PSS-params field must hold one value');
    if (f.tag === 0xa0) hash = hashOf(inner, 'hashAlgorithm');
    else if (f.tag === 0xa1) {
      const [mgfOid, mgfParams] = sequenceOf(inner, 'maskGenAlgorithm', 2, 2);
      if (readOid(mgfOid) !== ID_MGF1) throw new PkiError('UNSUPPORTED_ALGORITHM', 'only MGF1 is supported');
      mgfHash = hashOf(mgfParams, 'MGF1 hash');
    } else if (f.tag === 0xa2) saltLength = readSmallInteger(inner, 'saltLength');
  }
  if (!hash || mgfHash !== hash) throw new PkiError('WEAK_ALGORITHM', 'RSASSA-PSS must use one SHA-2 hash for the digest and MGF1');
  return { hash, saltLength };
}

export interface ParsedSignatureAlgorithm { readonly algorithm: SignatureAlgorithm; readonly pss?: PssParameters }
/** A legacy algorithm (crypto/legacy-algorithms.ts), read only for a validator that opted in. */
export interface ParsedLegacyAlgorithm { readonly algorithm: LegacySignatureAlgorithm; readonly pss?: undefined }
export type ParsedVerificationAlgorithm = ParsedSignatureAlgorithm | ParsedLegacyAlgorithm;

/** RFC 3279 2.2.1: NULL parameters for RSA; 2.2.2 and 2.2.3: none for DSA and ECDSA. */
function checkLegacyParams(algorithm: LegacySignatureAlgorithm, params: Tlv | undefined): void {
  if (!params) return;
  if (algorithm.keyAlgorithm !== 'rsa' || params.tag !== TAG.NULL || content(params).length !== 0) {
    throw new PkiError('BAD_DER', `unexpected parameters for ${algorithm.name}`);
  }
}

/**
 * An AlgorithmIdentifier for a signature. Without `legacy`, SHA-1 and DSA are WEAK_ALGORITHM;
 * with it they are read (and MD5 is still refused).
 */
export function parseSignatureAlgorithm(t: Tlv | undefined): ParsedSignatureAlgorithm;
export function parseSignatureAlgorithm(t: Tlv | undefined, options: { readonly legacy: boolean }): ParsedVerificationAlgorithm;
export function parseSignatureAlgorithm(t: Tlv | undefined, options?: { readonly legacy: boolean }): ParsedVerificationAlgorithm {
  const [oidT, params] = sequenceOf(t, 'AlgorithmIdentifier', 1, 2);
  const algOid = readOid(oidT);
  if (algOid === OID_PSS) {
    const pss = parsePss(params);
    return { algorithm: SIGNATURE_ALGORITHMS[`RSASSA-PSS-${pss.hash.toUpperCase()}` as 'RSASSA-PSS-SHA256'], pss };
  }
  const legacy = options?.legacy ? legacySignatureAlgorithmByOid(algOid) : null;
  if (legacy) {
    checkLegacyParams(legacy, params);
    return { algorithm: legacy };
  }
  const algorithm = signatureAlgorithmByOid(algOid);
  if (params) {
    const isNull = params.tag === TAG.NULL && content(params).length === 0;
    // RFC 5758 3.2: ECDSA parameters MUST be absent; RFC 4055 5: PKCS#1 v1.5 takes NULL (some omit it).
    if (algorithm.keyAlgorithm !== 'rsa' || !isNull) throw new PkiError('BAD_DER', `unexpected parameters for ${algorithm.name}`);
  }
  return { algorithm };
}
