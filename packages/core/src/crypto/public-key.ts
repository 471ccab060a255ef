/**
 * SubjectPublicKeyInfo (RFC 5280 4.1.2.7) classification and the key policy every profile
 * starts from: ECDSA P-256 / P-384 (RFC 5480), Ed25519 (RFC 8410), RSA >= 2048 (RFC 8017).
 *   SubjectPublicKeyInfo ::= SEQUENCE { algorithm AlgorithmIdentifier, subjectPublicKey BIT STRING }
 */
import { createHash, createPublicKey, type JsonWebKey, KeyObject } from 'node:crypto';
import { PkiError } from '../errors.js';
import { children, content, readBitString, readOid, readRoot, readUnsignedInteger, sequenceOf, type Tlv, whole } from '../der/reader.js';
import { TAG } from '../der/writer.js';
import { classifyDsa, dsaKeyObject, type DsaPublicKeyInfo, OID_DSA } from './dsa.js';

export type KeyType = 'ecdsa-p256' | 'ecdsa-p384' | 'ed25519' | 'rsa';
export const KEY_TYPES: readonly KeyType[] = ['ecdsa-p256', 'ecdsa-p384', 'ed25519', 'rsa'];

export const OID_EC_PUBLIC_KEY = '1.2.840.10045.2.1';
export const OID_RSA_ENCRYPTION = '1.2.840.113549.1.1.1';
export const OID_ED25519 = '1.3.101.112';
const CURVES: Readonly<Record<string, KeyType>> = { '1.2.840.10045.3.1.7': 'ecdsa-p256', '1.3.132.0.34': 'ecdsa-p384' };
/** RFC 3766 / NIST SP 800-57: 2048 bits is the floor for RSA. */
export const RSA_MIN_BITS = 2048;
export const RSA_MAX_BITS = 8192;

export interface PublicKeyInfo {
  readonly keyType: KeyType;
  /** Modulus size for RSA, curve size otherwise. */
  readonly bits: number;
  /** The whole SubjectPublicKeyInfo DER. */
  readonly spki: Uint8Array;
  /** The subjectPublicKey BIT STRING contents (without the unused-bits octet). */
  readonly subjectPublicKey: Uint8Array;
}

function rsaModulusBits(key: Uint8Array): number {
  //   RSAPublicKey ::= SEQUENCE { modulus INTEGER, publicExponent INTEGER }
  const [n] = sequenceOf(readRoot(key), 'RSAPublicKey', 2, 2);
  const m = readUnsignedInteger(n, 'modulus');
  return (m.length - 1) * 8 + (32 - Math.clz32(m[0] as number));
}

function classify(alg: Tlv[], key: Uint8Array): { keyType: KeyType; bits: number } {
  const algOid = readOid(alg[0], 'SPKI algorithm');
  if (algOid === OID_EC_PUBLIC_KEY) {
    const p = alg[1];
    const curve = p && p.tag === TAG.OID ? readOid(p) : '';
    const keyType = CURVES[curve];
    if (!keyType) throw new PkiError('UNSUPPORTED_KEY', `EC curve ${curve || '(explicit parameters)'} is not supported`, { detail: { curve } });
    const bits = keyType === 'ecdsa-p256' ? 256 : 384;
    if (key.length !== 1 + 2 * (bits / 8) || key[0] !== 0x04) throw new PkiError('UNSUPPORTED_KEY', 'EC point must be uncompressed');
    return { keyType, bits };
  }
  if (algOid === OID_ED25519) {
    if (alg.length !== 1 || key.length !== 32) throw new PkiError('UNSUPPORTED_KEY', 'malformed Ed25519 key');
    return { keyType: 'ed25519', bits: 256 };
  }
  if (algOid === OID_RSA_ENCRYPTION) {
    const bits = rsaModulusBits(key);
    if (bits < RSA_MIN_BITS) throw new PkiError('WEAK_KEY', `RSA keys must have at least ${RSA_MIN_BITS} bits (got ${bits})`, { detail: { bits } });
    if (bits > RSA_MAX_BITS) throw new PkiError('UNSUPPORTED_KEY', `RSA keys over ${RSA_MAX_BITS} bits are not supported`);
    return { keyType: 'rsa', bits };
  }
  throw new PkiError('UNSUPPORTED_KEY', `public key algorithm ${algOid} is not supported`, { detail: { oid: algOid } });
}

/** A certificate's key: one of the key types the CA issues to, or (legacy validation only) DSA. */
export type CertificatePublicKey = PublicKeyInfo | DsaPublicKeyInfo;

/**
 * Parses and classifies an SPKI element; throws UNSUPPORTED_KEY / WEAK_KEY / BAD_DER. With
 * `legacy` (the path validator's opt-in, never the CA's), DSA keys are read too.
 */
export function parsePublicKeyInfo(t: Tlv): PublicKeyInfo;
export function parsePublicKeyInfo(t: Tlv, options: { readonly legacy: boolean }): CertificatePublicKey;
export function parsePublicKeyInfo(t: Tlv, options?: { readonly legacy: boolean }): CertificatePublicKey {
  const [algT, keyT] = sequenceOf(t, 'SubjectPublicKeyInfo', 2, 2);
  const alg = sequenceOf(algT, 'AlgorithmIdentifier', 1, 2);
  const { bytes, unusedBits } = readBitString(keyT, 'subjectPublicKey');
  if (unusedBits !== 0) throw new PkiError('BAD_DER', 'subjectPublicKey has unused bits');
  // Fields spelled out rather than spread: object spread costs microseconds, and every certificate parse pays it.
  if (options?.legacy && readOid(alg[0], 'SPKI algorithm') === OID_DSA) {
    const d = classifyDsa(alg, bytes);
    return Object.freeze({ keyType: 'dsa', bits: d.bits, spki: whole(t), subjectPublicKey: bytes, parameters: d.parameters });
  }
  const k = classify(alg, bytes);
  return Object.freeze({ keyType: k.keyType, bits: k.bits, spki: whole(t), subjectPublicKey: bytes });
}

export function parseSpkiDer(der: Uint8Array): PublicKeyInfo {
  return parsePublicKeyInfo(readRoot(der));
}

const b64u = (b: Uint8Array): string => Buffer.from(b).toString('base64url');

/**
 * The key as a JWK (RFC 7518 6.2.1, RFC 8037 2) when that is cheaper to import: OpenSSL 3's
 * DER decoder costs about 120 us per P-256 SPKI here, the JWK path about 75 us (it still
 * checks the point is on the curve). The issuance benchmark pays this once per CSR.
 */
function jwkOf(info: PublicKeyInfo): JsonWebKey | null {
  const p = info.subjectPublicKey;
  if (info.keyType === 'ecdsa-p256' || info.keyType === 'ecdsa-p384') {
    const n = (p.length - 1) / 2;
    return { kty: 'EC', crv: info.keyType === 'ecdsa-p256' ? 'P-256' : 'P-384', x: b64u(p.subarray(1, 1 + n)), y: b64u(p.subarray(1 + n)) };
  }
  if (info.keyType === 'ed25519') return { kty: 'OKP', crv: 'Ed25519', x: b64u(p) };
  return null;
}

/** The node:crypto key; a point off the curve or a broken RSA key is UNSUPPORTED_KEY, not a crash. */
export function publicKeyObject(info: CertificatePublicKey): KeyObject {
  if (info.keyType === 'dsa') return dsaKeyObject(info);
  try {
    const jwk = jwkOf(info);
    return jwk ? createPublicKey({ key: jwk, format: 'jwk' }) : createPublicKey({ key: Buffer.from(info.spki), format: 'der', type: 'spki' });
  } catch (cause) {
    throw new PkiError('UNSUPPORTED_KEY', 'the public key is invalid', { cause });
  }
}

/**
 * Key identifier: RFC 7093 section 2 method 1, the leftmost 160 bits of the SHA-256 of
 * the subjectPublicKey bits (avoids SHA-1 while keeping the RFC 5280 length).
 */
export function keyIdentifier(info: Pick<PublicKeyInfo, 'subjectPublicKey'>): Buffer {
  return createHash('sha256').update(info.subjectPublicKey).digest().subarray(0, 20);
}

/**
 * The key for verifying a signature made with it, as fast as OpenSSL allows: an EC point
 * through WebCrypto's raw import (an on-curve check, which is full validation for the
 * cofactor-1 NIST curves), about 50 us here against 75 us for JWK and 120 us for the DER
 * decoder. Other key types take publicKeyObject().
 */
export async function importPublicKey(info: PublicKeyInfo): Promise<KeyObject> {
  if (info.keyType !== 'ecdsa-p256' && info.keyType !== 'ecdsa-p384') return publicKeyObject(info);
  try {
    const key = await globalThis.crypto.subtle.importKey('raw', info.subjectPublicKey,
      { name: 'ECDSA', namedCurve: info.keyType === 'ecdsa-p256' ? 'P-256' : 'P-384' }, true, ['verify']);
    return KeyObject.from(key);
  } catch (cause) {
    throw new PkiError('UNSUPPORTED_KEY', 'the public key is invalid', { cause });
  }
}

export { children, content };
