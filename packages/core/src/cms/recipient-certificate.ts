/**
 * What CMS needs of a recipient's certificate (RFC 5652 6.2.1, 6.2.2): its
 * IssuerAndSerialNumber, and its public key, read straight from the DER:
 *   IssuerAndSerialNumber ::= SEQUENCE { issuer Name, serialNumber CertificateSerialNumber }
 *   TBSCertificate ::= SEQUENCE { version [0] EXPLICIT DEFAULT v1, serialNumber, signature,
 *                                 issuer, validity, subject, subjectPublicKeyInfo, ... }
 */
import { createPublicKey, type KeyObject } from 'node:crypto';
import { PkiError } from '../errors.js';
import { readBitString, readOid, readRoot, sequenceOf, whole } from '../der/reader.js';
import { sequence } from '../der/writer.js';

export const OID_EC_PUBLIC_KEY = '1.2.840.10045.2.1';
export const OID_RSA_ENCRYPTION = '1.2.840.113549.1.1.1';
/** The curves a KeyAgreeRecipientInfo is made for (RFC 5753 7.1.1 uses the recipient's curve), by namedCurve OID. */
export const KARI_CURVES: Readonly<Record<string, string>> = { '1.2.840.10045.3.1.7': 'prime256v1', '1.3.132.0.34': 'secp384r1' };

export interface RecipientCertificate {
  /** DER IssuerAndSerialNumber. */
  readonly issuerAndSerialNumber: Buffer;
  readonly publicKey: KeyObject;
  /** 'rsa', or the OpenSSL curve name of a P-256 / P-384 key; null for any other key (no recipient info is made for it). */
  readonly keyKind: 'rsa' | 'prime256v1' | 'secp384r1' | null;
  /** The subjectPublicKey BIT STRING's bytes (an EC point for EC keys). */
  readonly publicKeyBytes: Uint8Array;
}

export function readRecipientCertificate(der: Uint8Array): RecipientCertificate {
  const [tbs] = sequenceOf(readRoot(der), 'Certificate', 3, 3);
  const fields = sequenceOf(tbs, 'TBSCertificate', 6);
  const f = fields[0]!.tag === 0xa0 ? fields.slice(1) : fields;
  const [serial, , issuer, , , spki] = f;
  if (!serial || !issuer || !spki) throw new PkiError('BAD_DER', 'TBSCertificate: missing fields');
  const [algorithm, bits] = sequenceOf(spki, 'SubjectPublicKeyInfo', 2, 2);
  const [algOid, params] = sequenceOf(algorithm, 'AlgorithmIdentifier', 1, 2);
  const keyOid = readOid(algOid);
  const curve = keyOid === OID_EC_PUBLIC_KEY && params?.tag === 0x06 ? KARI_CURVES[readOid(params)] : undefined;
  const keyKind = keyOid === OID_RSA_ENCRYPTION ? 'rsa' : ((curve as RecipientCertificate['keyKind']) ?? null);
  return {
    issuerAndSerialNumber: sequence(whole(issuer), whole(serial)),
    publicKey: createPublicKey({ key: Buffer.from(whole(spki)), format: 'der', type: 'spki' }),
    keyKind,
    publicKeyBytes: readBitString(bits, 'subjectPublicKey').bytes,
  };
}
