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
