/**
 *   SubjectKeyIdentifier ::= KeyIdentifier ::= OCTET STRING                  (RFC 5280 4.2.1.2)
 *   AuthorityKeyIdentifier ::= SEQUENCE { keyIdentifier [0] KeyIdentifier OPTIONAL, ... }  (4.2.1.1)
 */
import { content, readRoot, sequenceOf } from '../../der/reader.js';
import { implicitPrimitive, octetString, sequence, TAG } from '../../der/writer.js';

export const encodeSubjectKeyIdentifier = (keyId: Uint8Array): Buffer => octetString(keyId);
export const encodeAuthorityKeyIdentifier = (keyId: Uint8Array): Buffer => sequence(implicitPrimitive(0, keyId));

export function parseSubjectKeyIdentifier(der: Uint8Array): Uint8Array {
  const t = readRoot(der);
  return t.tag === TAG.OCTET_STRING ? content(t) : new Uint8Array(0);
}

export function parseAuthorityKeyIdentifier(der: Uint8Array): Uint8Array | null {
  const k = sequenceOf(readRoot(der), 'AuthorityKeyIdentifier').find((t) => t.tag === 0x80);
  return k ? content(k) : null;
}

/**
 *   AuthorityKeyIdentifier ::= SEQUENCE { keyIdentifier [0] KeyIdentifier OPTIONAL,
 *     authorityCertIssuer [1] GeneralNames OPTIONAL, authorityCertSerialNumber [2] CertificateSerialNumber OPTIONAL }
 * The fields present, for the validator's checks on self-signed anchors (RFC 5280 4.2.1.1).
 */
export interface AuthorityKeyIdentifierFields {
  readonly keyIdentifier: Uint8Array | null;
  readonly hasAuthorityCertIssuer: boolean;
  readonly hasAuthorityCertSerialNumber: boolean;
}

export function parseAuthorityKeyIdentifierFields(der: Uint8Array): AuthorityKeyIdentifierFields {
  const parts = sequenceOf(readRoot(der), 'AuthorityKeyIdentifier', 0, 3);
  const k = parts.find((t) => t.tag === 0x80);
  return {
    keyIdentifier: k ? content(k) : null,
    hasAuthorityCertIssuer: parts.some((t) => t.tag === 0xa1),
    hasAuthorityCertSerialNumber: parts.some((t) => t.tag === 0x82),
  };
}
