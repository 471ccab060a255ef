/**
 * The three RecipientInfos serverkeygen needs (RFC 5652 6.2), each wrapping the
 * content-encryption key (CEK) for one recipient:
 *
 *   RecipientInfo ::= CHOICE { ktri KeyTransRecipientInfo, kari [1] KeyAgreeRecipientInfo,
 *                              kekri [2] KEKRecipientInfo, pwri [3] PasswordRecipientinfo, ... }
 *
 * - ktri: RSA, RSAES-OAEP with SHA-256 (RFC 8017, parameters per RFC 4055 4.1) or
 *   RSAES-PKCS1-v1_5 (RFC 5652 uses rsaEncryption for it, RFC 3370 4.2.1).
 * - kari: ephemeral-static ECDH on the recipient's curve, dhSinglePass-stdDH-sha256kdf-scheme
 *   (RFC 5753 7.1.4, the ANSI X9.63 KDF over ECC-CMS-SharedInfo), AES-256 key wrap (RFC 3394).
 * - pwri: RFC 3211: PBKDF2 (RFC 8018) with HMAC-SHA256 from the password, then RFC 3211's
 *   own key wrap (2.3.1: length, check bytes, CEK, random padding, AES-CBC twice), which is
 *   what id-alg-PWRI-KEK names and what OpenSSL and Bouncy Castle implement.
 * Randomness (PBKDF2 salt, IV, padding) comes in from the caller; the ephemeral ECDH key
 * is a key generation and is made here.
 */
import { createCipheriv, createECDH, createHash, pbkdf2Sync, publicEncrypt, constants } from 'node:crypto';
import { PkiError } from '../errors.js';
import { explicit, implicitConstructed, nullValue, octetString, oid, sequence, smallInteger, bitString } from '../der/writer.js';
import { OID_EC_PUBLIC_KEY, OID_RSA_ENCRYPTION, readRecipientCertificate } from './recipient-certificate.js';

export const OID_AES256_CBC = '2.16.840.1.101.3.4.1.42';
export const OID_AES256_WRAP = '2.16.840.1.101.3.4.1.45';
export const OID_RSAES_OAEP = '1.2.840.113549.1.1.7';
export const OID_MGF1 = '1.2.840.113549.1.1.8';
export const OID_SHA256 = '2.16.840.1.101.3.4.2.1';
export const OID_DH_SINGLE_PASS_STD_DH_SHA256KDF = '1.3.132.1.11.1';
export const OID_PBKDF2 = '1.2.840.113549.1.5.12';
export const OID_HMAC_WITH_SHA256 = '1.2.840.113549.2.9';
export const OID_PWRI_KEK = '1.2.840.113549.1.9.16.3.9';
const AES_BLOCK = 16;
/** RFC 3394 2.2.3.1 default initial value. */
const KEY_WRAP_IV = Buffer.from('a6a6a6a6a6a6a6a6', 'hex');

export type RsaPadding = 'oaep-sha256' | 'pkcs1-v1_5';

export type KeyRecipient =
  | { readonly kind: 'certificate'; readonly certificateDer: Uint8Array; readonly rsaPadding?: RsaPadding }
  | { readonly kind: 'password'; readonly password: Uint8Array; readonly iterations: number };

/** n random bytes from the caller's source (a CSPRNG). */
export type RandomBytes = (n: number) => Uint8Array;

const sha256AlgId = (): Buffer => sequence(oid(OID_SHA256), nullValue());

/** RSAES-OAEP-params with SHA-256 and MGF1-SHA-256, the default pSourceFunc omitted (RFC 4055 4.1). */
const oaepSha256 = (): Buffer => sequence(oid(OID_RSAES_OAEP), sequence(explicit(0, sha256AlgId()), explicit(1, sequence(oid(OID_MGF1), sha256AlgId()))));

/** KeyTransRecipientInfo ::= SEQUENCE { version 0, rid IssuerAndSerialNumber, keyEncryptionAlgorithm, encryptedKey }. */
function ktri(cert: ReturnType<typeof readRecipientCertificate>, cek: Uint8Array, padding: RsaPadding): Buffer {
  const oaep = padding === 'oaep-sha256';
  const encryptedKey = publicEncrypt({
    key: cert.publicKey, padding: oaep ? constants.RSA_PKCS1_OAEP_PADDING : constants.RSA_PKCS1_PADDING, ...(oaep ? { oaepHash: 'sha256' } : {}),
  }, cek);
  const algorithm = oaep ? oaepSha256() : sequence(oid(OID_RSA_ENCRYPTION), nullValue());
  return sequence(smallInteger(0), cert.issuerAndSerialNumber, algorithm, octetString(encryptedKey));
}

/** ANSI X9.63 KDF with SHA-256 (SEC 1 3.6.1), as RFC 5753 7.2 uses it: one block is the 256-bit KEK. */
function x963Sha256(z: Uint8Array, sharedInfo: Uint8Array): Buffer {
  return createHash('sha256').update(z).update(Uint8Array.of(0, 0, 0, 1)).update(sharedInfo).digest();
}

/**
 * KeyAgreeRecipientInfo ::= SEQUENCE { version 3, originator [0] EXPLICIT originatorKey [1]
 * OriginatorPublicKey, ukm absent, keyEncryptionAlgorithm, recipientEncryptedKeys }.
 * ECC-CMS-SharedInfo ::= SEQUENCE { keyInfo (the wrap algorithm), suppPubInfo [2] EXPLICIT
 * OCTET STRING (the KEK length in bits, 32-bit big-endian) } (RFC 5753 7.2).
 */
function kari(cert: ReturnType<typeof readRecipientCertificate>, curve: string, cek: Uint8Array): Buffer {
  const ecdh = createECDH(curve);
  const ephemeral = ecdh.generateKeys();
  const z = ecdh.computeSecret(cert.publicKeyBytes);
  const wrapAlgorithm = sequence(oid(OID_AES256_WRAP));
  const kek = x963Sha256(z, sequence(wrapAlgorithm, explicit(2, octetString(Uint8Array.of(0, 0, 1, 0)))));
  z.fill(0);
  const wrapper = createCipheriv('id-aes256-wrap', kek, KEY_WRAP_IV);
  const encryptedKey = Buffer.concat([wrapper.update(cek), wrapper.final()]);
  kek.fill(0);
  // RFC 5753 7.1.1: the ephemeral key's id-ecPublicKey parameters may be absent (the recipient's curve).
  const originator = explicit(0, implicitConstructed(1, sequence(oid(OID_EC_PUBLIC_KEY)), bitString(ephemeral)));
  const recipientEncryptedKeys = sequence(sequence(cert.issuerAndSerialNumber, octetString(encryptedKey)));
  return implicitConstructed(1, smallInteger(3), originator, sequence(oid(OID_DH_SINGLE_PASS_STD_DH_SHA256KDF), wrapAlgorithm), recipientEncryptedKeys);
}

/** RFC 3211 2.3.1: LEN, the complement of the CEK's first three bytes, the CEK, random padding to at least two blocks. */
function pwriWrap(kek: Uint8Array, iv: Uint8Array, cek: Uint8Array, random: RandomBytes): Buffer {
  const length = Math.max(2 * AES_BLOCK, Math.ceil((4 + cek.length) / AES_BLOCK) * AES_BLOCK);
  const padded = Buffer.concat([Uint8Array.of(cek.length, ~cek[0]! & 0xff, ~cek[1]! & 0xff, ~cek[2]! & 0xff), cek, random(length - 4 - cek.length)]);
  // Two passes of CBC; the second continues the chain (its IV is the first pass's last block).
  const cbc = createCipheriv('aes-256-cbc', kek, iv).setAutoPadding(false);
  const first = cbc.update(padded);
  const out = cbc.update(first);
  padded.fill(0);
  return out;
}

/**
 * PasswordRecipientInfo ::= SEQUENCE { version 0, keyDerivationAlgorithm [0] IMPLICIT
 * AlgorithmIdentifier, keyEncryptionAlgorithm, encryptedKey } (RFC 3211 2.2), with
 * PBKDF2-params ::= SEQUENCE { salt OCTET STRING, iterationCount, prf hmacWithSHA256 }
 * and keyEncryptionAlgorithm id-alg-PWRI-KEK { aes256-CBC { IV } }.
 */
function pwri(password: Uint8Array, iterations: number, cek: Uint8Array, random: RandomBytes): Buffer {
  if (!Number.isInteger(iterations) || iterations < 1000) throw new RangeError('PBKDF2 needs at least 1000 iterations (RFC 8018 4.2)');
  const salt = random(16);
  const iv = random(AES_BLOCK);
  const kek = pbkdf2Sync(password, salt, iterations, 32, 'sha256');
  const encryptedKey = pwriWrap(kek, iv, cek, random);
  kek.fill(0);
  const pbkdf2 = implicitConstructed(0, oid(OID_PBKDF2), sequence(octetString(salt), smallInteger(iterations), sequence(oid(OID_HMAC_WITH_SHA256), nullValue())));
  const kekAlgorithm = sequence(oid(OID_PWRI_KEK), sequence(oid(OID_AES256_CBC), octetString(iv)));
  return implicitConstructed(3, smallInteger(0), pbkdf2, kekAlgorithm, octetString(encryptedKey));
}

/** The RecipientInfo for `recipient`, and the EnvelopedData version it implies (RFC 5652 6.1). */
export function recipientInfo(recipient: KeyRecipient, cek: Uint8Array, random: RandomBytes): { readonly der: Buffer; readonly version: number } {
  if (recipient.kind === 'password') return { der: pwri(recipient.password, recipient.iterations, cek, random), version: 3 };
  const cert = readRecipientCertificate(recipient.certificateDer);
  if (cert.keyKind === 'rsa') return { der: ktri(cert, cek, recipient.rsaPadding ?? 'oaep-sha256'), version: 0 };
  if (cert.keyKind !== null) return { der: kari(cert, cert.keyKind, cek), version: 2 };
  throw new PkiError('UNSUPPORTED_KEY', 'a CMS recipient key must be RSA or EC P-256 / P-384');
}
