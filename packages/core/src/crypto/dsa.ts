/**
 * DSA public keys (RFC 3279 2.3.2), read only for a path validator that opted in with
 * `algorithms: 'legacy'` (decision 006); the CA never issues to or accepts DSA keys.
 *   id-dsa OBJECT IDENTIFIER ::= { iso(1) member-body(2) us(840) x9-57(10040) x9algorithm(4) 1 }
 *   Dss-Parms ::= SEQUENCE { p INTEGER, q INTEGER, g INTEGER }
 *   DSAPublicKey ::= INTEGER -- public key, y
 * "If the DSA algorithm parameters are omitted from the subjectPublicKeyInfo
 * AlgorithmIdentifier ... the parameters are inherited from the issuer" (RFC 3279 2.3.2;
 * RFC 5280 6.1.4 (f)): such a key has `parameters` null until the path supplies them.
 */
import { createPublicKey, type KeyObject } from 'node:crypto';
import { PkiError } from '../errors.js';
import { readRoot, readUnsignedInteger, sequenceOf, type Tlv, whole } from '../der/reader.js';
import { bitString, oid, sequence } from '../der/writer.js';

export const OID_DSA = '1.2.840.10040.4.1';
/** FIPS 186-4 4.2: L is 1024, 2048 or 3072 bits. */
export const DSA_MIN_BITS = 1024;
export const DSA_MAX_BITS = 3072;

export interface DsaPublicKeyInfo {
  readonly keyType: 'dsa';
  /** The size of p; null while the parameters are inherited. */
  readonly bits: number | null;
  readonly spki: Uint8Array;
  readonly subjectPublicKey: Uint8Array;
  /** Dss-Parms DER, or null when inherited from the issuer's key. */
  readonly parameters: Uint8Array | null;
}

const bitLength = (m: Uint8Array): number => (m.length - 1) * 8 + (32 - Math.clz32(m[0] as number));

/** p's size, after checking the three INTEGERs are positive and minimal. */
export function dsaParameterBits(params: Tlv): number {
  const [p, q, g] = sequenceOf(params, 'Dss-Parms', 3, 3);
  const bits = bitLength(readUnsignedInteger(p, 'p'));
  readUnsignedInteger(q, 'q');
  readUnsignedInteger(g, 'g');
  if (bits < DSA_MIN_BITS) throw new PkiError('WEAK_KEY', `DSA keys must have at least ${DSA_MIN_BITS} bits (got ${bits})`, { detail: { bits } });
  if (bits > DSA_MAX_BITS) throw new PkiError('UNSUPPORTED_KEY', `DSA keys over ${DSA_MAX_BITS} bits are not supported`);
  return bits;
}

/** The DSA fields of an SPKI whose algorithm is id-dsa; `alg` is the AlgorithmIdentifier's elements. */
export function classifyDsa(alg: readonly Tlv[], key: Uint8Array): { bits: number | null; parameters: Uint8Array | null } {
  readUnsignedInteger(readRoot(key), 'DSAPublicKey');
  const params = alg[1];
  if (!params) return { bits: null, parameters: null };
  return { bits: dsaParameterBits(params), parameters: whole(params) };
}

/** The node:crypto key, with `inherited` Dss-Parms DER when the key has none of its own. */
export function dsaKeyObject(info: DsaPublicKeyInfo, inherited: Uint8Array | null = null): KeyObject {
  const params = info.parameters ?? inherited;
  if (!params) throw new PkiError('UNSUPPORTED_KEY', 'the DSA key has no parameters to inherit');
  const spki = info.parameters ? info.spki : sequence(sequence(oid(OID_DSA), params), bitString(info.subjectPublicKey));
  try {
    return createPublicKey({ key: Buffer.from(spki), format: 'der', type: 'spki' });
  } catch (cause) {
    throw new PkiError('UNSUPPORTED_KEY', 'the public key is invalid', { cause });
  }
}
