/**
 * CMS EnvelopedData (RFC 5652 6) for one recipient, and the asymmetric key package it
 * carries for EST serverkeygen (RFC 7030 4.4.2, RFC 5958 4):
 *
 *   ContentInfo ::= SEQUENCE { contentType id-envelopedData, content [0] EXPLICIT EnvelopedData }
 *   EnvelopedData ::= SEQUENCE { version CMSVersion, recipientInfos SET OF RecipientInfo,
 *                                encryptedContentInfo EncryptedContentInfo }
 *   EncryptedContentInfo ::= SEQUENCE { contentType, contentEncryptionAlgorithm,
 *                                       encryptedContent [0] IMPLICIT OCTET STRING }
 *   AsymmetricKeyPackage ::= SEQUENCE SIZE (1..MAX) OF OneAsymmetricKey   (a PKCS#8 is a OneAsymmetricKey)
 *
 * The content is encrypted with AES-256-CBC (RFC 3565) under a fresh 256-bit key, which
 * the RecipientInfo wraps (recipient-info.ts). Pure apart from node:crypto: the key, IV,
 * salt and padding come from the caller's random source.
 */
import { createCipheriv } from 'node:crypto';
import { explicit, implicitPrimitive, octetString, oid, sequence, smallInteger, tlv, TAG } from '../der/writer.js';
import { OID_AES256_CBC, recipientInfo, type KeyRecipient, type RandomBytes } from './recipient-info.js';

export const OID_CMS_ENVELOPED_DATA = '1.2.840.113549.1.7.3';
/** id-ct-KP-aKeyPackage (RFC 5958 3). */
export const OID_ASYMMETRIC_KEY_PACKAGE = '2.16.840.1.101.2.1.2.78.5';

export interface EnvelopeInput {
  /** The OID of `content` (e.g. OID_ASYMMETRIC_KEY_PACKAGE). */
  readonly contentType: string;
  readonly content: Uint8Array;
  readonly recipient: KeyRecipient;
  readonly random: RandomBytes;
}

/** A DER ContentInfo holding the EnvelopedData of `content` for `recipient`. */
export function encodeEnvelopedData(input: EnvelopeInput): Buffer {
  const cek = Buffer.from(input.random(32));
  const iv = input.random(16);
  const cipher = createCipheriv('aes-256-cbc', cek, iv);
  const encrypted = Buffer.concat([cipher.update(input.content), cipher.final()]);
  const ri = recipientInfo(input.recipient, cek, input.random);
  cek.fill(0);
  const encryptedContentInfo = sequence(oid(input.contentType), sequence(oid(OID_AES256_CBC), octetString(iv)), implicitPrimitive(0, encrypted));
  const envelopedData = sequence(smallInteger(ri.version), tlv(TAG.SET, ri.der), encryptedContentInfo);
  return sequence(oid(OID_CMS_ENVELOPED_DATA), explicit(0, envelopedData));
}

/** AsymmetricKeyPackage of one key: the PKCS#8 PrivateKeyInfo (a OneAsymmetricKey v1) as the only element. */
export const asymmetricKeyPackage = (pkcs8Der: Uint8Array): Buffer => sequence(pkcs8Der);
